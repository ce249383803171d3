package io.modelcat.catalog.telemetry;

import java.util.UUID;
import java.util.regex.Pattern;

/** The id that ties a request's log lines together, taken from a proxy's header when it sent a usable one. */
public final class RequestId {

    /** The header a proxy may send the id in, and the answer carries it back in. */
    public static final String HEADER = "X-Request-Id";
    /** The logging MDC key holding it. */
    public static final String MDC_KEY = "requestId";

    /** What is kept from a caller: short, and nothing that could forge a log line or a JSON field. */
    private static final Pattern USABLE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

    private RequestId() {
    }

    /**
     * The caller's id when usable, else a new random one. An unusable header is replaced, not refused: proxies send
     * ids of many forms, and a request must not fail over its tracing header.
     */
    public static String fromHeader(String header) {
        return header != null && USABLE.matcher(header).matches() ? header : UUID.randomUUID().toString();
    }
}
