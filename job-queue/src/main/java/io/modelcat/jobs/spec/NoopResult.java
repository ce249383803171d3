package io.modelcat.jobs.spec;

/** How long the job waited. */
public record NoopResult(long waitedMillis) implements JobResult {
}
