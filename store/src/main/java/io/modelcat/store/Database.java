package io.modelcat.store;

import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.data.connection.exceptions.ConnectionException;
import io.micronaut.transaction.TransactionOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * Runs hand-written SQL for a deployable: writes in a transaction (joining the caller's, if any), single reads on
 * an auto-commit connection (one round trip, no BEGIN and COMMIT), and reads that want a transaction of their own
 * in a read-only one. Database failures (an unreachable database included, however it shows) come out as
 * {@link DatabaseErrors} says; JSON failures of the work as
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
        return reachable(() -> tx.executeWrite(status -> run(work, status.getConnection())));
    }

    /** Runs {@code work}, which must read only, on an auto-commit connection. */
    public <T> T read(Work<T> work) {
        return reachable(() -> connections.executeRead(status -> run(work, status.getConnection())));
    }

    /** Runs {@code work}, which must read only, in a read-only transaction (joining the caller's, if any). */
    public <T> T readInTransaction(Work<T> work) {
        return reachable(() -> tx.executeRead(status -> run(work, status.getConnection())));
    }

    /** The pool's and the transaction manager's own failures to reach the database, as the work's are. */
    private static <T> T reachable(Supplier<T> call) {
        try {
            return call.get();
        } catch (DatabaseUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            // Micronaut's ConnectionException: it could not get, or set up, a connection (one closed under it).
            if (e instanceof ConnectionException || DatabaseErrors.unavailable(e)) {
                throw new DatabaseUnavailableException(e);
            }
            throw e;
        }
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
