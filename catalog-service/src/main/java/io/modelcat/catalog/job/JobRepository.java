package io.modelcat.catalog.job;

import io.modelcat.jobs.spec.JobSpec;
import io.modelcat.store.Cursor;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Storage of jobs and their logs, as catalog-service sees them. */
public interface JobRepository {

    /** A job to insert, already validated. */
    record NewJob(UUID id, JobSpec spec, UUID modelId, UUID modelVersionId, List<JobDataset> datasets,
                  JobView.Device device, int priority, int maxAttempts, Integer timeLimitSeconds, UUID submittedBy) {
    }

    /** Inserts the job and its dataset links in one transaction. */
    JobView insert(NewJob job);

    void delete(UUID id);

    Optional<JobView> find(UUID id);

    /**
     * A page of jobs in any of the states and kinds (empty: all) and of the model (null: any), newest first, after
     * {@code after} (null, or a cursor of this list: see {@link io.modelcat.store.job.Jobs#continuesList}).
     */
    JobPage list(List<String> states, List<String> kinds, UUID modelId, Cursor after, int limit);

    /** Cancels a queued job at once; true if it was queued. */
    boolean cancelQueued(UUID id);

    /** Asks the runner of a running job to stop; true if it was running. */
    boolean requestCancel(UUID id);

    /** The queued or running {@code batch-score-helper} jobs that help an invocation. */
    List<UUID> activeHelpersOf(UUID invocationId);

    List<JobLogEntry> logs(UUID jobId, long afterId, int limit);

    /** Tells idle runners of a Quartz cluster that a job is waiting (PostgreSQL NOTIFY). */
    void announce(String cluster);
}
