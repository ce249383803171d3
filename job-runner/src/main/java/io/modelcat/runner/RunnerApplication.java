package io.modelcat.runner;

import io.micronaut.runtime.Micronaut;

/** Entry point of a job-runner: registers this machine as a worker and executes jobs from the shared queue. */
public final class RunnerApplication {

    private RunnerApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(RunnerApplication.class).banner(false).start();
    }
}
