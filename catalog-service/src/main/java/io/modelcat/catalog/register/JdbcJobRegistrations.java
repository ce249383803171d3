package io.modelcat.catalog.register;

import io.micronaut.transaction.TransactionOperations;
import io.modelcat.store.DatabaseErrors;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** PostgreSQL side of registration: the job lock and the look-up of a version by the job in its lineage. */
@Singleton
final class JdbcJobRegistrations implements JobRegistrations {

    private final TransactionOperations<Connection> tx;

    JdbcJobRegistrations(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    @Override
    public boolean lockJob(UUID jobId) {
        return tx.executeWrite(status -> {
            try (PreparedStatement ps = status.getConnection().prepareStatement("SELECT 1 FROM job WHERE id = ? FOR UPDATE")) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            } catch (SQLException e) {
                throw DatabaseErrors.translate(e);
            }
        });
    }

    @Override
    public Optional<Registered> registeredVersion(UUID jobId) {
        // Registrations are rare and model_version is small next to metric: a scan is fine here.
        return tx.executeRead(status -> {
            try (PreparedStatement ps = status.getConnection().prepareStatement(
                    "SELECT model_id, version_number FROM model_version WHERE lineage ->> 'jobId' = ? LIMIT 1")) {
                ps.setString(1, jobId.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Registered(rs.getObject(1, UUID.class), rs.getInt(2)))
                            : Optional.<Registered>empty();
                }
            } catch (SQLException e) {
                throw DatabaseErrors.translate(e);
            }
        });
    }
}
