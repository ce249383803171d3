package io.modelcat.store;

import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.transaction.TransactionOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs hand-written SQL for a deployable: writes in a transaction (joining the caller's, if any), single reads on
 * an auto-commit connection (one round trip, no BEGIN and COMMIT), and reads that want a transaction of their own
 * in a read-only one. Database failures come out as {@link DatabaseErrors} says; JSON failures of the work as
 * {@link UncheckedIOException}. Each deployable makes one from Micronaut Data's operations in a small factory.
 */
public final class Database {

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

    /** Runs {@code work}, which must read only, in a read-only transaction (joining the caller's, if any). */
    public <T> T readInTransaction(Work<T> work) {
        return tx.executeRead(status -> run(work, status.getConnection()));
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
