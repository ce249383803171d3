package io.modelcat.runner.telemetry.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.runner.telemetry.MetricsAccess;

/**
 * This runner's meters in Prometheus' text format, {@code GET /prometheus} on the runner's port, for whoever presents
 * the metrics token ({@link MetricsAccess}); refusals are plain-text 401 and 403 answers saying what to do.
 */
@Controller("/prometheus")
@ExecuteOn(TaskExecutors.BLOCKING)
public class PrometheusController {

    /** Prometheus' text exposition format, version 0.0.4. */
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final MetricsAccess access;

    public PrometheusController(PrometheusMeterRegistry registry, MetricsAccess access) {
        this.registry = registry;
        this.access = access;
    }

    @Get
    public HttpResponse<String> scrape(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return switch (access.decide(authorization)) {
            case ALLOWED -> HttpResponse.ok(registry.scrape()).contentType(TEXT_FORMAT);
            case NOT_CONFIGURED -> refusal(HttpStatus.FORBIDDEN, "This runner's metrics are off: start it with "
                    + "MODELCAT_METRICS_TOKEN set, and scrape with that token as 'Authorization: Bearer <token>'");
            case NO_TOKEN -> refusal(HttpStatus.UNAUTHORIZED, "Send the runner's metrics token (MODELCAT_METRICS_TOKEN) "
                    + "as 'Authorization: Bearer <token>'")
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ModelCat runner metrics\"");
            case WRONG_TOKEN -> refusal(HttpStatus.UNAUTHORIZED, "That is not this runner's metrics token "
                    + "(MODELCAT_METRICS_TOKEN)")
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ModelCat runner metrics\"");
        };
    }

    private static io.micronaut.http.MutableHttpResponse<String> refusal(HttpStatus status, String detail) {
        return HttpResponse.<String>status(status).body(detail + "\n").contentType(MediaType.TEXT_PLAIN_TYPE);
    }
}
