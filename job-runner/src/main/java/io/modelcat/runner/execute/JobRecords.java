package io.modelcat.runner.execute;

import io.micronaut.json.JsonMapper;
import io.modelcat.jobs.JobState;
import io.modelcat.jobs.spec.JobResult;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.store.Database;
import io.modelcat.store.job.Claim;
import io.modelcat.store.job.JobLogs;
import io.modelcat.store.job.Jobs;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The runner's writes to the {@code job} and {@code job_log} tables, through the store's {@link Jobs}: every
 * state change is one guarded UPDATE that the job's state machine allows. Progress, logs and ends go through
 * {@link WriteBehind}, so that a database outage while jobs run loses none of them.
 */
@Singleton
public class JobRecords {

    private final Database db;
    private final WriteBehind writes;
    private final JsonMapper json;

    public JobRecords(Database db, WriteBehind writes, JsonMapper json) {
        this.db = db;
        this.writes = writes;
        this.json = json;
    }

    /**
     * Takes a queued job for this worker; with {@code takeOver}, also a running one whose runner died
     * (Quartz found it dead and handed its job on). Empty when the job is not there to take
     * (cancelled, finished, or already taken).
     */
    public Optional<Claim> claim(UUID jobId, String workerId, boolean takeOver) {
        return db.write(c -> Jobs.claim(c, jobId, workerId, takeOver));
    }

    public void progress(UUID jobId, double fraction, Map<String, Object> detail) {
        String text = toJson(detail);
        writes.latest(jobId, c -> {
            Jobs.progress(c, jobId, fraction, text);
            return null;
        });
    }

    public void log(UUID jobId, String level, String message, Map<String, Object> fields) {
        String text = toJson(fields);
        writes.append(c -> {
            JobLogs.append(c, jobId, level, message, text);
            return null;
        });
    }

    public void succeeded(UUID jobId, String workerId, JobResult result) {
        finish(jobId, workerId, JobState.SUCCEEDED, JobSpecs.write(result), null, null);
    }

    public void failed(UUID jobId, String workerId, String error, String cause) {
        finish(jobId, workerId, JobState.FAILED, null, error, cause);
    }

    public void cancelled(UUID jobId, String workerId) {
        finish(jobId, workerId, JobState.CANCELLED, null, null, null);
    }

    private void finish(UUID jobId, String workerId, JobState outcome, String result, String error, String cause) {
        writes.await(c -> Jobs.finish(c, jobId, workerId, outcome, result, error, cause));
    }

    /** Puts a running job back in the queue (a retry, or a runner shutting down); true if it was this worker's. */
    public boolean requeue(UUID jobId, String workerId, String reason) {
        return writes.await(c -> Jobs.requeue(c, jobId, workerId, reason));
    }

    /** Jobs this worker runs whose cancellation was asked for. */
    public List<UUID> cancellationsFor(String workerId) {
        return db.write(c -> Jobs.cancellationsFor(c, workerId));
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
