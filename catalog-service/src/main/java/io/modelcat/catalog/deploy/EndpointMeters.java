package io.modelcat.catalog.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The timer {@code modelcat_endpoint_request_duration_seconds} (a Prometheus histogram: its count is the requests)
 * of the calls this catalog service's gateway sent to deployments, by endpoint, deployment and outcome. The same
 * calls {@link TrafficRecorder} counts for the API's per-deployment metrics.
 */
@Singleton
public class EndpointMeters {

    static final String NAME = "modelcat.endpoint.request.duration";

    private final MeterRegistry registry;

    public EndpointMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records one call of a deployment of an endpoint that took {@code nanos}. */
    public void record(String endpoint, String deployment, TrafficRecorder.Outcome outcome, long nanos) {
        Timer.builder(NAME)
                .description("Calls of online endpoints' deployments through the gateway: answered, throttled, failed or mirrored")
                .tags("endpoint", endpoint, "deployment", deployment, "outcome", outcome.name().toLowerCase(Locale.ROOT))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
