package io.modelcat.catalog.problem;

import java.sql.SQLException;

/**
 * Turns a database failure into what the caller should see: a value the database cannot store (a
 * NUL character, an invalid Unicode escape in JSON, a number out of range: SQL state class 22) is
 * the request's fault and a 400; anything else is the server's and stays a 500.
 */
public final class DatabaseErrors {

    private DatabaseErrors() {
    }

    public static RuntimeException translate(SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("22")) {
            String reason = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            return new InvalidFieldException("body", "holds a value that cannot be stored (" + reason.replace("ERROR: ", "")
                    + "); texts may not contain NUL characters");
        }
        return new IllegalStateException("database error: " + e.getMessage(), e);
    }
}
