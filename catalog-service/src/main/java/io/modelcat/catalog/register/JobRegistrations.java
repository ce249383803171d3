package io.modelcat.catalog.register;

import java.util.Optional;
import java.util.UUID;

/** What registration needs to know about jobs already registered. */
public interface JobRegistrations {

    /** Locks the job's row until the transaction ends, so that two registrations of one job run one after the other; false if there is no such job. */
    boolean lockJob(UUID jobId);

    /** The model version already registered from the job, if any. */
    Optional<Registered> registeredVersion(UUID jobId);

    /** A version registered from a job. */
    record Registered(UUID modelId, int versionNumber) {
    }
}
