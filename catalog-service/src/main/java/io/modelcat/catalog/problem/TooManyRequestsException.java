package io.modelcat.catalog.problem;

import java.time.Duration;

/** The caller must wait before trying again (too many failed sign-ins). */
public final class TooManyRequestsException extends CatalogException {

    private final Duration retryAfter;

    public TooManyRequestsException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
