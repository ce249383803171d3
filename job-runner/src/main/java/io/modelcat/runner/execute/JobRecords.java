package io.modelcat.runner.execute;

import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.spec.JobResult;
import io.modelcat.jobs.spec.JobSpecs;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The runner's writes to the {@code job} and {@code job_log} tables: every state change is one guarded UPDATE. */
@Singleton
public class JobRecords {

    private final TransactionOperations<Connection> tx;
    private final JsonMapper json;

    public JobRecords(TransactionOperations<Connection> tx, JsonMapper json) {
        this.tx = tx;
        this.json = json;
    }

    /** A job this runner now owns, with its specification as the JSON text stored on it. */
    public record Claim(UUID id, String kind, String spec, int attempt, int maxAttempts,
                        int priority, DeviceRequest device, java.time.Duration timeLimit) {
    }

    /**
     * Takes a queued job for this worker; with {@code takeOver}, also a running one whose runner died
     * (Quartz found it dead and handed its job on). Empty when the job is not there to take
     * (cancelled, finished, or already taken).
     */
    public Optional<Claim> claim(UUID jobId, String workerId, boolean takeOver) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE job SET state = 'running', worker_id = ?, started_at = coalesce(started_at, now()),
                                   attempt = attempt + 1, updated_at = now()
                    WHERE id = ? AND (state = 'queued' OR (? AND state = 'running'))
                    RETURNING kind, params::text AS params, attempt, max_attempts, priority, device_kind, device_count,
                              time_limit_seconds""")) {
                ps.setString(1, workerId);
                ps.setObject(2, jobId);
                ps.setBoolean(3, takeOver);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Claim(jobId, rs.getString("kind"), rs.getString("params"),
                            rs.getInt("attempt"), rs.getInt("max_attempts"), rs.getInt("priority"),
                            new DeviceRequest(rs.getString("device_kind"), rs.getInt("device_count")),
                            rs.getObject("time_limit_seconds") == null ? null
                                    : java.time.Duration.ofSeconds(rs.getInt("time_limit_seconds"))));
                }
            }
        });
    }

    public void progress(UUID jobId, double fraction, Map<String, Object> detail) {
        update("UPDATE job SET progress = ?, progress_detail = ?::jsonb, updated_at = now() WHERE id = ? AND state = 'running'",
                Math.max(0, Math.min(1, fraction)), toJson(detail), jobId);
    }

    public void log(UUID jobId, String level, String message, Map<String, Object> fields) {
        update("INSERT INTO job_log (job_id, level, message, fields) VALUES (?, ?, ?, ?::jsonb)",
                jobId, level, message, toJson(fields));
    }

    public void succeeded(UUID jobId, String workerId, JobResult result) {
        finish(jobId, workerId, "succeeded", JobSpecs.write(result), null, null);
    }

    public void failed(UUID jobId, String workerId, String error, String cause) {
        finish(jobId, workerId, "failed", null, error, cause);
    }

    public void cancelled(UUID jobId, String workerId) {
        finish(jobId, workerId, "cancelled", null, null, null);
    }

    private void finish(UUID jobId, String workerId, String state, String result, String error, String cause) {
        update("""
                UPDATE job SET state = ?, result = ?::jsonb, error = ?, error_cause = ?, finished_at = now(),
                               updated_at = now(), progress = CASE WHEN ? = 'succeeded' THEN 1 ELSE progress END
                WHERE id = ? AND worker_id = ? AND state = 'running'""",
                state, result, error, cause, state, jobId, workerId);
    }

    /** Puts a running job back in the queue (a retry, or a runner shutting down); true if it was this worker's. */
    public boolean requeue(UUID jobId, String workerId, String reason) {
        return update("""
                UPDATE job SET state = 'queued', worker_id = NULL, error = ?, updated_at = now()
                WHERE id = ? AND worker_id = ? AND state = 'running'""", reason, jobId, workerId) == 1;
    }

    /** Jobs this worker runs whose cancellation was asked for. */
    public List<UUID> cancellationsFor(String workerId) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM job WHERE worker_id = ? AND state = 'running' AND cancel_requested")) {
                ps.setString(1, workerId);
                List<UUID> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
                return ids;
            }
        });
    }

    private int update(String sql, Object... params) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T write(SqlWork<T> work) {
        return tx.executeWrite(status -> {
            try {
                return work.run(status.getConnection());
            } catch (SQLException e) {
                throw new IllegalStateException("database error: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private interface SqlWork<T> {
        T run(Connection c) throws SQLException, IOException;
    }
}
