package io.modelcat.runner;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.modelcat.jobs.JobQueue;
import io.modelcat.jobs.QuartzSettings;
import io.modelcat.runner.worker.WorkerIdentity;
import jakarta.inject.Singleton;

/** The scheduling side of the queue, which runners use to queue retries. */
@Factory
class JobQueueFactory {

    @Singleton
    @Bean(preDestroy = "close")
    JobQueue jobQueue(WorkerIdentity worker,
                      @Value("${datasources.default.url}") String jdbcUrl,
                      @Value("${datasources.default.username:}") String user,
                      @Value("${datasources.default.password:}") String password) {
        return new JobQueue(cluster -> new QuartzSettings(cluster, worker.id() + "-queue", 0, jdbcUrl, user,
                password, 1000).toProperties());
    }
}
