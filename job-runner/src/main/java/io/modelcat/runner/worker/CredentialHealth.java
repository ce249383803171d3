package io.modelcat.runner.worker;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.Map;
import org.reactivestreams.Publisher;

/** The runner's health is DOWN once its token has been revoked or has expired, so orchestrators see it. */
@Singleton
public class CredentialHealth implements HealthIndicator {

    private final RunnerCredential credential;

    public CredentialHealth(RunnerCredential credential) {
        this.credential = credential;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        HealthResult.Builder result = HealthResult.builder("runnerToken");
        return Publishers.just(credential.valid() ? result.status(HealthStatus.UP).build()
                : result.status(HealthStatus.DOWN).details(Map.of("reason", "the runner token is no longer valid")).build());
    }
}
