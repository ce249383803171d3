package io.modelcat.store;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * The one translation of database failures: a value the database cannot store (a NUL character, an invalid
 * Unicode escape in JSON, a number out of range: SQL state class 22) is the caller's fault and an
 * {@link UnstorableValueException}; a database that cannot be reached (SQL state class 08, a server shutting down,
 * no connection from the pool in time) is a {@link DatabaseUnavailableException}; anything else is the server's,
 * an {@link IllegalStateException}.
 */
public final class DatabaseErrors {

    /** admin_shutdown, crash_shutdown, cannot_connect_now: the server is stopping or still starting. */
    private static final Set<String> SHUTTING_DOWN = Set.of("57P01", "57P02", "57P03");

    private DatabaseErrors() {
    }

    public static RuntimeException translate(SQLException e) {
        if (unavailable(e)) {
            return new DatabaseUnavailableException(e);
        }
        String state = e.getSQLState();
        if (state != null && state.startsWith("22")) {
            String reason = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            return new UnstorableValueException(reason.replace("ERROR: ", ""), e);
        }
        return new IllegalStateException("database error: " + e.getMessage(), e);
    }

    /** Whether {@code failure}, or one of its causes, says that the database could not be reached. */
    public static boolean unavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DatabaseUnavailableException || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException || t instanceof ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || SHUTTING_DOWN.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    static String firstLine(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
