package io.modelcat.runner.execute;

import java.time.Duration;
import java.util.Optional;

/**
 * When a job that failed transiently runs again: after an exponential back-off from {@code base} (doubling
 * per attempt, at most 1024 times the base), or later if the failure asked for longer (a Hub's Retry-After),
 * until the job's attempts are used up.
 */
record RetryPolicy(Duration base) {

    private static final int MAX_DOUBLINGS = 10;

    /** Whether a job that failed on attempt {@code attempt} (1 for the first) gets another. */
    boolean retries(int attempt, int maxAttempts) {
        return attempt < maxAttempts;
    }

    /** How long to wait before the attempt after {@code attempt}. */
    Duration delay(int attempt, Optional<Duration> askedFor) {
        Duration backoff = base.multipliedBy(1L << Math.min(MAX_DOUBLINGS, Math.max(0, attempt - 1)));
        return askedFor.filter(asked -> asked.compareTo(backoff) > 0).orElse(backoff);
    }
}
