package io.modelcat.runner;

import io.micronaut.runtime.Micronaut;

/** Entry point of a job-runner: registers this machine as a worker and executes jobs from the shared queue. */
public final class RunnerApplication {

    private RunnerApplication() {
    }

    public static void main(String[] args) {
        String logFormat = System.getenv().getOrDefault("MODELCAT_LOG_FORMAT", "").strip().toLowerCase(java.util.Locale.ROOT);
        if (!logFormat.isEmpty() && !logFormat.equals("text") && !logFormat.equals("json")) {
            // logback.xml includes logback-<format>.xml: an unknown one would silently log nothing.
            System.err.println("MODELCAT_LOG_FORMAT must be 'text' or 'json', not '" + System.getenv("MODELCAT_LOG_FORMAT") + "'");
            System.exit(2);
        }
        // Logback reads system properties before the environment: it gets the format checked and normalised.
        System.setProperty("MODELCAT_LOG_FORMAT", logFormat.isEmpty() ? "text" : logFormat);
        Micronaut.build(args).mainClass(RunnerApplication.class).banner(false).start();
    }
}
