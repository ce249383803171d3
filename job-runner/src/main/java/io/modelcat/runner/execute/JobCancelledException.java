package io.modelcat.runner.execute;

/** Thrown by a handler that stopped because its job was cancelled. */
public final class JobCancelledException extends RuntimeException {

    public JobCancelledException() {
        super("cancelled on request");
    }
}
