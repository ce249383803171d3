package io.modelcat.store;

import java.sql.SQLException;

/**
 * The one translation of database failures: a value the database cannot store (a NUL character, an invalid
 * Unicode escape in JSON, a number out of range: SQL state class 22) is the caller's fault and an
 * {@link UnstorableValueException}; anything else is the server's, an {@link IllegalStateException}.
 */
public final class DatabaseErrors {

    private DatabaseErrors() {
    }

    public static RuntimeException translate(SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("22")) {
            String reason = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            return new UnstorableValueException(reason.replace("ERROR: ", ""), e);
        }
        return new IllegalStateException("database error: " + e.getMessage(), e);
    }
}
