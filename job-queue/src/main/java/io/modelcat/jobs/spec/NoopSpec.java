package io.modelcat.jobs.spec;

import io.modelcat.jobs.JobKind;

/**
 * A job that only waits and reports progress: checks that workers take jobs, and measures the queue.
 *
 * @param failWith a message to fail with at the end, or null
 * @param transientFailures fail transiently on the first this many attempts
 */
public record NoopSpec(long durationMillis, String failWith, int transientFailures) implements JobSpec {

    public static final Setting DURATION_MILLIS = Setting.integer("durationMillis", 0, 0, 86_400_000,
            "how long the job waits, in milliseconds");
    public static final Setting TRANSIENT_FAILURES = Setting.integer("transientFailures", 0, 0, 10,
            "attempts that fail transiently before one succeeds");

    @Override
    public JobKind kind() {
        return JobKind.NOOP;
    }
}
