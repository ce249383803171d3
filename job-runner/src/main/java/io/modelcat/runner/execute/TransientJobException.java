package io.modelcat.runner.execute;

import java.time.Duration;
import java.util.Optional;

/** A failure that may go away on its own (network, rate limit): the job is retried with backoff. */
public class TransientJobException extends RuntimeException {

    private final Duration retryAfter;

    public TransientJobException(String message, Throwable cause) {
        this(message, cause, null);
    }

    public TransientJobException(String message) {
        this(message, null, null);
    }

    /** A failure whose source said when to come back (an HTTP 429's Retry-After). */
    public TransientJobException(String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** The earliest time to retry that the source asked for, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
