package io.modelcat.store.job;

import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.JobQueue;
import io.modelcat.jobs.JobState;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.store.Cursor;
import io.modelcat.store.Page;
import io.modelcat.store.SqlValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code job} table: catalog-service submits, lists and cancels jobs, runners claim them, report progress and
 * record how they ended. Every change of a job's state is one guarded UPDATE that only moves a job the way
 * {@link JobState#next()} allows (see {@link JobStateChange}).
 */
public final class Jobs {

    /**
     * A runner that has not beaten for this long (three of its 5 s heartbeats) is taken as gone: its running jobs,
     * and queued jobs while no runner is there at all, show as waiting for a runner.
     */
    static final String RUNNER_SILENT_AFTER = "15 seconds";

    /** The order of job lists: newest first. */
    public static final String ORDER = "-submittedAt";

    private static final String COLUMNS = """
            id, kind, state, model_id, model_version_id, params::text AS params, device_kind, device_count, priority,
            progress, progress_detail::text AS progress_detail, result::text AS result, worker_id, attempt,
            max_attempts, time_limit_seconds, cancel_requested, error, error_cause, submitted_at, started_at, finished_at,
            updated_at, submitted_by, (SELECT username FROM app_user WHERE app_user.id = job.submitted_by) AS submitted_by_name,
            CASE job.state
                WHEN 'running' THEN NOT EXISTS (SELECT 1 FROM worker w WHERE w.id = job.worker_id
                                                AND w.heartbeat_at > now() - interval '%1$s')
                WHEN 'queued' THEN NOT EXISTS (SELECT 1 FROM worker w
                                               WHERE w.heartbeat_at > now() - interval '%1$s')
                ELSE false END AS waiting_for_runner""".formatted(RUNNER_SILENT_AFTER);
    private static final String CLAIM_COLUMNS =
            "kind, params::text AS params, attempt, max_attempts, priority, device_kind, device_count, time_limit_seconds, "
            + "extract(epoch FROM now() - submitted_at) AS seconds_since_submitted";

    private Jobs() {
    }

    /**
     * Inserts a queued job. A foreign key failure (SQL state 23503) means its model is gone; the caller says so
     * in its own words.
     */
    public static void insert(Connection c, NewJob job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO job (id, kind, model_id, model_version_id, params, device_kind, device_count, priority,
                                 max_attempts, time_limit_seconds, submitted_by)
                VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)""")) {
            ps.setObject(1, job.id());
            ps.setString(2, job.spec().kind().wireName());
            ps.setObject(3, job.modelId());
            ps.setObject(4, job.modelVersionId());
            ps.setString(5, JobSpecs.write(job.spec()));
            ps.setString(6, job.device().kind());
            ps.setInt(7, job.device().count());
            ps.setInt(8, job.priority());
            ps.setInt(9, job.maxAttempts());
            ps.setObject(10, job.timeLimitSeconds());
            ps.setObject(11, job.submittedBy());
            ps.executeUpdate();
        }
    }

    public static void delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM job WHERE id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
    }

    public static Optional<JobRow> find(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM job WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** Whether {@code cursor} continues a job list (its order, an instant and a UUID). */
    public static boolean continuesList(Cursor cursor) {
        return cursor.isFor(ORDER) && cursor.instantKey().isPresent() && cursor.uuid().isPresent();
    }

    /**
     * A page of jobs, newest first, after {@code after} (null: from the start; else one that
     * {@link #continuesList continues the list}).
     */
    public static Page<JobRow> list(Connection c, JobFilter filter, Cursor after, int limit) throws SQLException {
        StringBuilder where = new StringBuilder("true");
        List<Object> params = new ArrayList<>();
        if (!filter.states().isEmpty()) {
            where.append(" AND state = ANY (?)");
            params.add(filter.states().stream().map(JobState::wireName).toList());
        }
        if (!filter.kinds().isEmpty()) {
            where.append(" AND kind = ANY (?)");
            params.add(filter.kinds().stream().map(JobKind::wireName).toList());
        }
        if (filter.modelId() != null) {
            where.append(" AND model_id = ?");
            params.add(filter.modelId());
        }
        if (after != null) {
            if (!continuesList(after)) {
                throw new IllegalArgumentException("not a cursor of the job list: " + after);
            }
            where.append(" AND (submitted_at, id) < (CAST(? AS timestamptz), CAST(? AS uuid))");
            params.add(after.key());
            params.add(after.uuid().orElseThrow());
        }
        List<JobRow> jobs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM job WHERE " + where
                + " ORDER BY submitted_at DESC, id DESC LIMIT " + (limit + 1))) {
            SqlValues.bind(c, ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jobs.add(read(rs));
                }
            }
        }
        if (jobs.size() <= limit) {
            return new Page<>(jobs, null);
        }
        JobRow last = jobs.get(limit - 1);
        return new Page<>(jobs.subList(0, limit), Cursor.of(ORDER, last.submittedAt(), last.id()));
    }

    /** Locks the job's row until the transaction ends; false if there is no such job. */
    public static boolean lock(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM job WHERE id = ? FOR UPDATE")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Whether a queued or running job uses the model. */
    public static boolean anyActiveFor(Connection c, UUID modelId) throws SQLException {
        // Literal states, so that the partial index job_model_active_idx applies.
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM job WHERE model_id = ? AND state IN ('queued', 'running') LIMIT 1")) {
            ps.setObject(1, modelId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The queued or running {@code batch-score-helper} jobs that help the given invocation. */
    public static List<UUID> activeHelpersOf(Connection c, UUID invocationId) throws SQLException {
        // Literal states, so that the index on (state, submitted_at) narrows the scan to active jobs.
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id FROM job WHERE state IN ('queued', 'running') AND kind = 'batch-score-helper'
                AND params ->> 'invocationJobId' = ?""")) {
            ps.setString(1, invocationId.toString());
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    /** Tells idle runners of a Quartz cluster that a job is waiting (PostgreSQL NOTIFY, sent on commit). */
    public static void announce(Connection c, String cluster) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, JobQueue.SUBMISSION_CHANNEL);
            ps.setString(2, cluster);
            ps.execute();
        }
    }

    /** Cancels a queued job at once; true if it was queued. */
    public static boolean cancelQueued(Connection c, UUID id) throws SQLException {
        return JobStateChange.to(JobState.CANCELLED).onlyFrom(JobState.QUEUED)
                .set("cancel_requested = true").set("finished_at = now()")
                .apply(c, id) == 1;
    }

    /** Asks the runner of a running job to stop (not a change of state yet); true if it was running. */
    public static boolean requestCancel(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE job SET cancel_requested = true, updated_at = now() WHERE id = ? AND state = ?")) {
            ps.setObject(1, id);
            ps.setString(2, JobState.RUNNING.wireName());
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Takes a queued job for a worker; with {@code takeOver}, also a running one whose runner died (Quartz found
     * it dead and handed its job on). Empty when the job is not there to take (cancelled, finished, or taken).
     */
    public static Optional<Claim> claim(Connection c, UUID id, String workerId, boolean takeOver) throws SQLException {
        Optional<Claim> claimed = JobStateChange.to(JobState.RUNNING)
                .set("worker_id = ?", workerId).set("started_at = coalesce(started_at, now())")
                .set("attempt = attempt + 1")
                .apply(c, id, CLAIM_COLUMNS, rs -> claim(id, rs));
        if (claimed.isPresent() || !takeOver) {
            return claimed;
        }
        // Not a change of state: the job stays running, now on this worker instead of the dead one.
        try (PreparedStatement ps = c.prepareStatement("UPDATE job SET worker_id = ?, "
                + "started_at = coalesce(started_at, now()), attempt = attempt + 1, updated_at = now() "
                + "WHERE id = ? AND state = ? RETURNING " + CLAIM_COLUMNS)) {
            ps.setString(1, workerId);
            ps.setObject(2, id);
            ps.setString(3, JobState.RUNNING.wireName());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(claim(id, rs)) : Optional.empty();
            }
        }
    }

    /** Records a running job's progress, a fraction kept within [0, 1], and its details (JSON text). */
    public static void progress(Connection c, UUID id, double fraction, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE job SET progress = ?, progress_detail = ?::jsonb, updated_at = now()
                WHERE id = ? AND state = ?""")) {
            ps.setDouble(1, Math.max(0, Math.min(1, fraction)));
            ps.setString(2, detail);
            ps.setObject(3, id);
            ps.setString(4, JobState.RUNNING.wireName());
            ps.executeUpdate();
        }
    }

    /**
     * Ends a job this worker runs: {@code outcome} is a final state; {@code result} (JSON text) goes with a
     * success, {@code error} and its {@code cause} with a failure. False if the job was not this worker's running job.
     */
    public static boolean finish(Connection c, UUID id, String workerId, JobState outcome, String result, String error,
                                 String cause) throws SQLException {
        if (!outcome.isFinal()) {
            throw new IllegalArgumentException("a job ends succeeded, failed or cancelled, not " + outcome.wireName());
        }
        JobStateChange change = JobStateChange.to(outcome).onlyFrom(JobState.RUNNING)
                .set("result = ?::jsonb", result).set("error = ?", error).set("error_cause = ?", cause)
                .set("finished_at = now()")
                .where("worker_id = ?", workerId);
        if (outcome == JobState.SUCCEEDED) {
            change.set("progress = 1");
        }
        return change.apply(c, id) == 1;
    }

    /** Puts a running job back in the queue (a retry, or a runner shutting down); true if it was this worker's. */
    public static boolean requeue(Connection c, UUID id, String workerId, String reason) throws SQLException {
        return JobStateChange.to(JobState.QUEUED)
                .set("worker_id = NULL").set("error = ?", reason)
                .where("worker_id = ?", workerId)
                .apply(c, id) == 1;
    }

    /** The jobs a worker runs whose cancellation was asked for. */
    public static List<UUID> cancellationsFor(Connection c, String workerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM job WHERE worker_id = ? AND state = ? AND cancel_requested")) {
            ps.setString(1, workerId);
            ps.setString(2, JobState.RUNNING.wireName());
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    private static Claim claim(UUID id, ResultSet rs) throws SQLException {
        Integer limit = SqlValues.integer(rs, "time_limit_seconds");
        return new Claim(id, rs.getString("kind"), rs.getString("params"), rs.getInt("attempt"),
                rs.getInt("max_attempts"), rs.getInt("priority"),
                new DeviceRequest(rs.getString("device_kind"), rs.getInt("device_count")),
                limit == null ? null : Duration.ofSeconds(limit),
                Duration.ofNanos(Math.max(0, Math.round(rs.getDouble("seconds_since_submitted") * 1e9))));
    }

    private static JobRow read(ResultSet rs) throws SQLException {
        return new JobRow(
                SqlValues.uuid(rs, "id"),
                JobKind.fromWireName(rs.getString("kind")).orElseThrow(),
                JobState.fromWireName(rs.getString("state")).orElseThrow(),
                SqlValues.uuid(rs, "model_id"),
                SqlValues.uuid(rs, "model_version_id"),
                rs.getString("params"),
                rs.getString("device_kind"),
                rs.getInt("device_count"),
                rs.getInt("priority"),
                rs.getDouble("progress"),
                rs.getString("progress_detail"),
                rs.getString("result"),
                rs.getString("worker_id"),
                rs.getInt("attempt"),
                rs.getInt("max_attempts"),
                SqlValues.integer(rs, "time_limit_seconds"),
                rs.getBoolean("cancel_requested"),
                rs.getString("error"),
                rs.getString("error_cause"),
                SqlValues.instant(rs, "submitted_at"),
                SqlValues.instant(rs, "started_at"),
                SqlValues.instant(rs, "finished_at"),
                SqlValues.instant(rs, "updated_at"),
                SqlValues.uuid(rs, "submitted_by"),
                rs.getString("submitted_by_name"),
                rs.getBoolean("waiting_for_runner"));
    }
}
