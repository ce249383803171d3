package io.modelcat.catalog.job;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.modelcat.jobs.JobQueue;
import io.modelcat.jobs.QuartzSettings;
import jakarta.inject.Singleton;
import java.util.UUID;

/** The catalog's scheduling-only membership of the runners' Quartz clusters: it queues jobs, never runs them. */
@Factory
class JobQueueFactory {

    @Singleton
    @Bean(preDestroy = "close")
    JobQueue jobQueue(@Value("${datasources.default.url}") String jdbcUrl,
                      @Value("${datasources.default.username:}") String user,
                      @Value("${datasources.default.password:}") String password) {
        String instance = "catalog-" + UUID.randomUUID().toString().substring(0, 8);
        return new JobQueue(cluster -> new QuartzSettings(cluster, instance, 0, jdbcUrl, user, password, 1000)
                .toProperties());
    }
}
