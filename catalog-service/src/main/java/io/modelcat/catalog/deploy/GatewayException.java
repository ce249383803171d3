package io.modelcat.catalog.deploy;

import java.time.Duration;

/** Why the gateway did not answer a scoring call: the status to answer with, the reason, and when to retry. */
public class GatewayException extends RuntimeException {

    /** The HTTP statuses the gateway answers failures with. */
    public enum Status {
        BAD_REQUEST(400), UNAUTHORIZED(401), NOT_FOUND(404), TOO_LARGE(413), TOO_MANY_REQUESTS(429),
        BAD_GATEWAY(502), UNAVAILABLE(503), TIMEOUT(504);

        private final int code;

        Status(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final Status status;
    private final Duration retryAfter;

    public GatewayException(Status status, String message) {
        this(status, message, null);
    }

    public GatewayException(Status status, String message, Duration retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public Status status() {
        return status;
    }

    /** How long a caller should wait before trying again, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
