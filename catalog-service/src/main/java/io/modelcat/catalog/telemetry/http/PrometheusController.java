package io.modelcat.catalog.telemetry.http;

import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.RequiresRole;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * HTTP adapter of this service's meters in Prometheus' text format: {@code /api/v1/prometheus}, behind the API's
 * access control like every other endpoint (a viewer's personal API token suffices: nothing in it is more than a
 * viewer reads through the API).
 */
@Controller("/api/v1/prometheus")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.VIEWER)
@Tag(name = "Metrics", description = "Operational meters for Prometheus")
public class PrometheusController {

    /** Prometheus' text exposition format, version 0.0.4. */
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public PrometheusController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Get(produces = TEXT_FORMAT)
    @Operation(summary = "This catalog service's meters (JVM, HTTP, connection pool, jobs, endpoints) for Prometheus to scrape")
    public String scrape() {
        // The job gauges read the database here (at most once per their TTL): hence the blocking executor.
        return registry.scrape();
    }
}
