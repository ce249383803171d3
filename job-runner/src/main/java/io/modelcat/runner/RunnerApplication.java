package io.modelcat.runner;

import io.micronaut.runtime.Micronaut;

/** Entry point of a job-runner: registers this machine as a worker and executes jobs from the shared queue. */
public final class RunnerApplication {

    private RunnerApplication() {
    }

    public static void main(String[] args) {
        String logFormat = System.getenv("MODELCAT_LOG_FORMAT");
        if (logFormat != null && !logFormat.isEmpty() && !logFormat.equals("text") && !logFormat.equals("json")) {
            // logback.xml picks its appender by this name: an unknown one would silently log nothing.
            System.err.println("MODELCAT_LOG_FORMAT must be 'text' or 'json', not '" + logFormat + "'");
            System.exit(2);
        }
        Micronaut.build(args).mainClass(RunnerApplication.class).banner(false).start();
    }
}
