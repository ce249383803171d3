package io.modelcat.runner.execute;

/** A failure that may go away on its own (network, rate limit): the job is retried with backoff. */
public class TransientJobException extends RuntimeException {

    public TransientJobException(String message, Throwable cause) {
        super(message, cause);
    }

    public TransientJobException(String message) {
        super(message);
    }
}
