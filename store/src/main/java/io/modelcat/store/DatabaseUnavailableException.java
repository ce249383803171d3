package io.modelcat.store;

/**
 * PostgreSQL could not be reached (refused, timed out, shutting down, or the connection broke): nobody's fault in
 * the request, and worth trying again once the database is back. The API answers it with 503 and Retry-After; the
 * runner keeps what it had to write until the database returns.
 */
public final class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(Throwable cause) {
        super("the database is unreachable: " + DatabaseErrors.firstLine(cause), cause);
    }
}
