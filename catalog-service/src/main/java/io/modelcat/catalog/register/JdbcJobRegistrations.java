package io.modelcat.catalog.register;

import io.modelcat.store.Database;
import io.modelcat.store.job.Jobs;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.UUID;

/** PostgreSQL side of registration: the job lock and the look-up of a version by the job in its lineage. */
@Singleton
final class JdbcJobRegistrations implements JobRegistrations {

    private final Database db;

    JdbcJobRegistrations(Database db) {
        this.db = db;
    }

    @Override
    public boolean lockJob(UUID jobId) {
        return db.write(c -> Jobs.lock(c, jobId));
    }

    @Override
    public Optional<Registered> registeredVersion(UUID jobId) {
        // Registrations are rare and model_version is small next to metric: a scan is fine here.
        return db.readInTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT model_id, version_number FROM model_version WHERE lineage ->> 'jobId' = ? LIMIT 1")) {
                ps.setString(1, jobId.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Registered(rs.getObject(1, UUID.class), rs.getInt(2)))
                            : Optional.<Registered>empty();
                }
            }
        });
    }
}
