package io.modelcat.store;

import java.sql.SQLException;

/**
 * A value the database refused to store (SQL state class 22: a NUL character in a text, an invalid Unicode
 * escape in JSON, a number out of range): the fault of whoever supplied it, not of the server.
 */
public final class UnstorableValueException extends RuntimeException {

    private final String reason;

    public UnstorableValueException(String reason, SQLException cause) {
        super("a value cannot be stored: " + reason, cause);
        this.reason = reason;
    }

    /** The database's own words, e.g. {@code invalid byte sequence for encoding "UTF8": 0x00}. */
    public String reason() {
        return reason;
    }
}
