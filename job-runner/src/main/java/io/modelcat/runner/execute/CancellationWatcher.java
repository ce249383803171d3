package io.modelcat.runner.execute;

import io.micronaut.scheduling.annotation.Scheduled;
import io.modelcat.runner.worker.WorkerIdentity;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Looks for cancellations and exceeded time limits of the jobs running here, so that they stop within seconds. */
@Singleton
class CancellationWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(CancellationWatcher.class);

    private final JobRecords records;
    private final JobExecutor executor;
    private final WorkerIdentity worker;

    CancellationWatcher(JobRecords records, JobExecutor executor, WorkerIdentity worker) {
        this.records = records;
        this.executor = executor;
        this.worker = worker;
    }

    @Scheduled(fixedDelay = "${modelcat.runner.cancel-check-interval:1s}")
    void check() {
        if (executor.runningJobs().isEmpty()) {
            return;
        }
        executor.enforceTimeLimits();
        try {
            executor.cancel(records.cancellationsFor(worker.id()));
        } catch (RuntimeException e) {
            LOG.warn("Could not check for cancelled jobs: {}", e.getMessage());
        }
    }
}
