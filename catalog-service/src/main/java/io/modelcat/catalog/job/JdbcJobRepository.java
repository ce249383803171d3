package io.modelcat.catalog.job;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.modelcat.catalog.access.UserRef;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.jobs.JobQueue;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.store.Cursor;
import io.modelcat.store.Database;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** PostgreSQL storage of jobs for catalog-service. */
@Singleton
final class JdbcJobRepository implements JobRepository {

    private static final String COLUMNS = """
            id, kind, state, model_id, model_version_id, params::text AS params, device_kind, device_count, priority,
            progress, progress_detail::text AS progress_detail, result::text AS result, worker_id, attempt,
            max_attempts, time_limit_seconds, cancel_requested, error, error_cause, submitted_at, started_at, finished_at,
            updated_at, submitted_by, (SELECT username FROM app_user WHERE app_user.id = job.submitted_by) AS submitted_by_name""";

    private final Database db;
    private final JsonMapper json;

    JdbcJobRepository(Database db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public JobView insert(NewJob job) {
        return db.write(c -> {
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
            } catch (SQLException e) {
                if ("23503".equals(e.getSQLState())) {
                    throw new InvalidFieldException("modelId", "no model has id " + job.modelId());
                }
                throw e;
            }
            insertDatasets(c, job);
            return findIn(c, job.id()).orElseThrow();
        });
    }

    /** The foreign key locks each dataset row (FOR KEY SHARE), so a concurrent delete waits and then sees the job. */
    private static void insertDatasets(Connection c, NewJob job) throws SQLException {
        for (JobDataset link : job.datasets()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO job_dataset (job_id, role, dataset_id) VALUES (?, ?, ?)")) {
                ps.setObject(1, job.id());
                ps.setString(2, link.role());
                ps.setObject(3, link.datasetId());
                ps.executeUpdate();
            } catch (SQLException e) {
                if ("23503".equals(e.getSQLState())) {
                    throw new ConflictException("dataset " + link.datasetId()
                            + " was deleted while the job was being submitted");
                }
                throw e;
            }
        }
    }

    @Override
    public void delete(UUID id) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM job WHERE id = ?")) {
                ps.setObject(1, id);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<JobView> find(UUID id) {
        return db.write(c -> findIn(c, id));
    }

    @Override
    public JobPage list(List<String> states, List<String> kinds, UUID modelId, Cursor after, int limit) {
        return db.write(c -> {
            StringBuilder where = new StringBuilder("true");
            List<Object> params = new ArrayList<>();
            if (!states.isEmpty()) {
                where.append(" AND state = ANY (?)");
                params.add(c.createArrayOf("text", states.toArray()));
            }
            if (!kinds.isEmpty()) {
                where.append(" AND kind = ANY (?)");
                params.add(c.createArrayOf("text", kinds.toArray()));
            }
            if (modelId != null) {
                where.append(" AND model_id = ?");
                params.add(modelId);
            }
            if (after != null) {
                where.append(" AND (submitted_at, id) < (CAST(? AS timestamptz), CAST(? AS uuid))");
                params.add(after.key());
                params.add(after.id());
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM job WHERE " + where
                    + " ORDER BY submitted_at DESC, id DESC LIMIT " + (limit + 1))) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                List<JobView> jobs = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        jobs.add(read(rs));
                    }
                }
                if (jobs.size() <= limit) {
                    return new JobPage(jobs, null);
                }
                JobView last = jobs.get(limit - 1);
                return new JobPage(List.copyOf(jobs.subList(0, limit)),
                        Cursor.of(JobService.LIST_ORDER, last.submittedAt(), last.id()).encode());
            }
        });
    }

    @Override
    public void announce(String cluster) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, JobQueue.SUBMISSION_CHANNEL);
                ps.setString(2, cluster);
                ps.execute();
                return null;
            }
        });
    }

    @Override
    public boolean cancelQueued(UUID id) {
        return update("""
                UPDATE job SET state = 'cancelled', cancel_requested = true, finished_at = now(), updated_at = now()
                WHERE id = ? AND state = 'queued'""", id) == 1;
    }

    @Override
    public boolean requestCancel(UUID id) {
        return update("UPDATE job SET cancel_requested = true, updated_at = now() WHERE id = ? AND state = 'running'",
                id) == 1;
    }

    @Override
    public List<JobLogEntry> logs(UUID jobId, long afterId, int limit) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, at, level, message, fields::text AS fields FROM job_log
                    WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?""")) {
                ps.setObject(1, jobId);
                ps.setLong(2, afterId);
                ps.setInt(3, limit);
                List<JobLogEntry> entries = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new JobLogEntry(rs.getLong("id"), rs.getTimestamp("at").toInstant(),
                                rs.getString("level"), rs.getString("message"), map(rs.getString("fields"))));
                    }
                }
                return entries;
            }
        });
    }

    private int update(String statement, UUID id) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(statement)) {
                ps.setObject(1, id);
                return ps.executeUpdate();
            }
        });
    }

    private Optional<JobView> findIn(Connection c, UUID id) throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM job WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private JobView read(ResultSet rs) throws SQLException, IOException {
        return new JobView(
                rs.getObject("id", UUID.class),
                rs.getString("kind"),
                rs.getString("state"),
                rs.getObject("model_id", UUID.class),
                rs.getObject("model_version_id", UUID.class),
                map(rs.getString("params")),
                new JobView.Device(rs.getString("device_kind"), rs.getInt("device_count")),
                rs.getInt("priority"),
                rs.getDouble("progress"),
                map(rs.getString("progress_detail")),
                map(rs.getString("result")),
                rs.getString("worker_id"),
                rs.getInt("attempt"),
                rs.getInt("max_attempts"),
                (Integer) rs.getObject("time_limit_seconds"),
                rs.getBoolean("cancel_requested"),
                rs.getString("error"),
                rs.getString("error_cause"),
                instant(rs.getTimestamp("submitted_at")),
                instant(rs.getTimestamp("started_at")),
                instant(rs.getTimestamp("finished_at")),
                instant(rs.getTimestamp("updated_at")),
                rs.getObject("submitted_by") == null ? null
                        : new UserRef(rs.getObject("submitted_by", UUID.class), rs.getString("submitted_by_name")));
    }

    private Map<String, Object> map(String text) throws IOException {
        return text == null ? null : json.readValue(text, Argument.mapOf(String.class, Object.class));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
