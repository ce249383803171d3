package io.modelcat.catalog.telemetry.http;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.propagation.slf4j.MdcPropagationContext;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.modelcat.catalog.telemetry.RequestId;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Gives every request an id: the caller's {@value RequestId#HEADER} when it is a usable one, else a new one. The id
 * is in the logging MDC ({@value RequestId#MDC_KEY}) of every line logged while the request is served, on whichever
 * thread, and comes back in the answer's {@value RequestId#HEADER} header. With {@code modelcat.access-log}, each
 * answer is also logged (method, path without its query, status, milliseconds) under {@code modelcat.http.access}.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class RequestIdFilter implements Ordered {

    private static final Logger ACCESS_LOG = LoggerFactory.getLogger("modelcat.http.access");
    private static final String ID = "modelcat.request-id";
    private static final String STARTED = "modelcat.request-started";

    private final boolean accessLog;

    public RequestIdFilter(@Value("${modelcat.access-log:false}") boolean accessLog) {
        this.accessLog = accessLog;
    }

    @Override
    public int getOrder() {
        // Right after the security headers and before access control, so that its log lines (refusals) carry the id.
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @RequestFilter
    public void identify(HttpRequest<?> request, MutablePropagatedContext context) {
        String id = RequestId.fromHeader(request.getHeaders().get(RequestId.HEADER));
        request.setAttribute(ID, id);
        request.setAttribute(STARTED, System.nanoTime());
        context.add(new MdcPropagationContext(Map.of(RequestId.MDC_KEY, id)));
    }

    @ResponseFilter
    public void answer(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String id = request.getAttribute(ID, String.class).orElse(null);
        if (id == null) {
            return;
        }
        response.header(RequestId.HEADER, id);
        if (accessLog) {
            long millis = (System.nanoTime() - request.getAttribute(STARTED, Long.class).orElse(System.nanoTime())) / 1_000_000;
            // The answer may be written on a thread the request's MDC did not reach: set it for this line.
            String before = MDC.get(RequestId.MDC_KEY);
            MDC.put(RequestId.MDC_KEY, id);
            try {
                ACCESS_LOG.info("{} {} {} {} ms", request.getMethodName(), request.getPath(), response.code(), millis);
            } finally {
                if (before == null) {
                    MDC.remove(RequestId.MDC_KEY);
                } else {
                    MDC.put(RequestId.MDC_KEY, before);
                }
            }
        }
    }
}
