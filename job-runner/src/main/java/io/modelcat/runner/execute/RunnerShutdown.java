package io.modelcat.runner.execute;

import jakarta.inject.Singleton;

/** On a clean shutdown, asks running jobs to stop so they go back to the queue for another runner. */
@Singleton
public class RunnerShutdown {

    private final JobExecutor executor;

    RunnerShutdown(JobExecutor executor) {
        this.executor = executor;
    }

    public void handBackRunningJobs() {
        executor.stopAll();
    }
}
