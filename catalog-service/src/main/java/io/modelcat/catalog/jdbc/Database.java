package io.modelcat.catalog.jdbc;

import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.transaction.TransactionOperations;
import io.modelcat.catalog.problem.DatabaseErrors;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs hand-written SQL: writes in a transaction (joining the caller's, if any), single reads on an
 * auto-commit connection (one round trip, no BEGIN and COMMIT). Database failures come out as
 * {@link DatabaseErrors} says; JSON failures of the work as {@link UncheckedIOException}.
 */
@Singleton
public class Database {

    private final TransactionOperations<Connection> tx;
    private final ConnectionOperations<Connection> connections;

    public Database(TransactionOperations<Connection> tx, ConnectionOperations<Connection> connections) {
        this.tx = tx;
        this.connections = connections;
    }

    /** Runs {@code work} in a transaction. */
    public <T> T write(Work<T> work) {
        return tx.executeWrite(status -> run(work, status.getConnection()));
    }

    /** Runs {@code work}, which must read only, on an auto-commit connection. */
    public <T> T read(Work<T> work) {
        return connections.executeRead(status -> run(work, status.getConnection()));
    }

    private static <T> T run(Work<T> work, Connection c) {
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw DatabaseErrors.translate(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SQL work on a connection (which may read or write JSON columns). */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException, IOException;
    }
}
