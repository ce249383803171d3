package io.modelcat.catalog.register;

import io.modelcat.store.Database;
import io.modelcat.store.job.Jobs;
import io.modelcat.store.model.ModelVersions;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;

/** The store's side of registration: the job lock, and the version registered from a job. */
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
        return db.readInTransaction(c -> ModelVersions.registeredFrom(c, jobId)
                .map(r -> new Registered(r.modelId(), r.versionNumber())));
    }
}
