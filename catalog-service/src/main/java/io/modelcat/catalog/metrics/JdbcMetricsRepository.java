package io.modelcat.catalog.metrics;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import io.modelcat.store.DatabaseErrors;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** PostgreSQL reads of metric and prediction_sample, written by hand. */
@Singleton
final class JdbcMetricsRepository implements MetricsRepository {

    /** Leaves out the figures of an unregistered finetune job, still attributed to its base version. */
    private static final String NOT_UNREGISTERED_FINETUNE =
            "NOT (j.kind = 'finetune' AND j.model_version_id IS NOT DISTINCT FROM m.model_version_id)";

    /*
     * Uses the partial index metric_leaderboard_idx (dataset_id, task, name) WHERE step IS NULL AND split = 'test':
     * the WHERE clause repeats the index predicate. EXPLAIN (COSTS OFF) on PostgreSQL 15.20, 12,000 metric rows
     * (2,000 jobs, 200 versions, 50 datasets), after ANALYZE:
     *   Limit -> Sort (l.value DESC, lower(mo.name), v.version_number) -> Nested Loop
     *     -> Hash Join model_version -> Subquery Scan on l -> Unique
     *       -> Sort (m.model_version_id, m.recorded_at DESC, m.id DESC) -> Hash Join job (Join Filter: not finetune ...)
     *         -> Bitmap Heap Scan on metric m  Filter: epoch IS NULL AND model_version_id IS NOT NULL
     *           -> Bitmap Index Scan on metric_leaderboard_idx  Index Cond: dataset_id = $1 AND task = $2 AND name = $3
     *     -> Index Scan using model_pkey on model mo
     */
    private static final String LEADERBOARD = """
            WITH latest AS (
                SELECT DISTINCT ON (m.model_version_id) m.model_version_id, m.job_id, j.kind, m.value, m.recorded_at
                FROM metric m
                JOIN job j ON j.id = m.job_id
                WHERE m.dataset_id = ? AND m.task = ? AND m.name = ? AND m.step IS NULL AND m.split = 'test'
                  AND m.epoch IS NULL AND m.model_version_id IS NOT NULL AND %s
                ORDER BY m.model_version_id, m.recorded_at DESC, m.id DESC)
            SELECT l.model_version_id, l.job_id, l.kind AS job_kind, l.value, l.recorded_at, v.version_number,
                   v.model_id, mo.name AS model_name
            FROM latest l
            JOIN model_version v ON v.id = l.model_version_id
            JOIN model mo ON mo.id = v.model_id
            ORDER BY l.value %s, lower(mo.name), v.version_number
            LIMIT ?""";

    private final TransactionOperations<Connection> tx;
    private final JsonMapper json;

    JdbcMetricsRepository(TransactionOperations<Connection> tx, JsonMapper json) {
        this.tx = tx;
        this.json = json;
    }

    @Override
    public JobMetrics jobMetrics(UUID jobId) {
        return read(c -> {
            List<JobMetrics.FinalMetric> finals = new ArrayList<>();
            List<JobMetrics.Point> series = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT split, name, value, step, epoch, recorded_at FROM metric WHERE job_id = ? ORDER BY id""")) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Integer step = (Integer) rs.getObject("step");
                        Integer epoch = (Integer) rs.getObject("epoch");
                        if (step == null && epoch == null) {
                            finals.add(new JobMetrics.FinalMetric(rs.getString("split"), rs.getString("name"),
                                    rs.getDouble("value")));
                        } else {
                            series.add(new JobMetrics.Point(rs.getString("split"), rs.getString("name"), step, epoch,
                                    rs.getDouble("value"), rs.getTimestamp("recorded_at").toInstant()));
                        }
                    }
                }
            }
            return new JobMetrics(finals, series);
        });
    }

    @Override
    public List<PredictionSample> predictions(UUID jobId) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT row_index, input::text AS input, expected::text AS expected, predicted::text AS predicted
                    FROM prediction_sample WHERE job_id = ? ORDER BY row_index""")) {
                ps.setObject(1, jobId);
                List<PredictionSample> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new PredictionSample(rs.getInt("row_index"), value(rs.getString("input")),
                                value(rs.getString("expected")), value(rs.getString("predicted"))));
                    }
                }
                return rows;
            }
        });
    }

    @Override
    public List<ModelMetric> modelMetrics(UUID modelId) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT m.job_id, m.model_version_id, v.version_number, m.dataset_id, d.name AS dataset_name, m.task,
                           m.name, m.value, m.recorded_at
                    FROM model_version v
                    JOIN metric m ON m.model_version_id = v.id
                    JOIN job j ON j.id = m.job_id
                    LEFT JOIN dataset d ON d.id = m.dataset_id
                    WHERE v.model_id = ? AND m.split = 'test' AND m.step IS NULL AND m.epoch IS NULL AND %s
                    ORDER BY v.version_number, m.recorded_at, m.job_id, m.name""".formatted(NOT_UNREGISTERED_FINETUNE))) {
                ps.setObject(1, modelId);
                List<ModelMetric> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new ModelMetric(rs.getObject("job_id", UUID.class),
                                rs.getObject("model_version_id", UUID.class), rs.getInt("version_number"),
                                rs.getObject("dataset_id", UUID.class), rs.getString("dataset_name"),
                                rs.getString("task"), rs.getString("name"), rs.getDouble("value"),
                                rs.getTimestamp("recorded_at").toInstant()));
                    }
                }
                return rows;
            }
        });
    }

    @Override
    public List<LeaderboardRow> leaderboard(UUID datasetId, String task, String metric, boolean ascending, int limit) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(LEADERBOARD.formatted(NOT_UNREGISTERED_FINETUNE, ascending ? "ASC" : "DESC"))) {
                ps.setObject(1, datasetId);
                ps.setString(2, task);
                ps.setString(3, metric);
                ps.setInt(4, limit);
                List<LeaderboardRow> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new LeaderboardRow(rows.size() + 1, rs.getObject("model_id", UUID.class),
                                rs.getString("model_name"), rs.getObject("model_version_id", UUID.class),
                                rs.getInt("version_number"), rs.getObject("job_id", UUID.class),
                                rs.getString("job_kind"), metric, rs.getDouble("value"), Map.of(),
                                rs.getTimestamp("recorded_at").toInstant()));
                    }
                }
                return rows;
            }
        });
    }

    @Override
    public Map<UUID, Map<String, Double>> finalTestMetrics(List<UUID> jobIds) {
        return read(c -> {
            Map<UUID, Map<String, Double>> byJob = new LinkedHashMap<>();
            if (jobIds.isEmpty()) {
                return byJob;
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT job_id, name, value FROM metric
                    WHERE job_id = ANY (?) AND split = 'test' AND step IS NULL AND epoch IS NULL
                    ORDER BY job_id, name, id""")) {
                ps.setArray(1, c.createArrayOf("uuid", jobIds.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byJob.computeIfAbsent(rs.getObject("job_id", UUID.class), k -> new LinkedHashMap<>())
                                .put(rs.getString("name"), rs.getDouble("value"));
                    }
                }
            }
            return byJob;
        });
    }

    @Override
    public void attribute(UUID jobId, UUID modelId, UUID modelVersionId) {
        tx.executeWrite(status -> {
            try (PreparedStatement ps = status.getConnection().prepareStatement(
                    "UPDATE metric SET model_id = ?, model_version_id = ? WHERE job_id = ?")) {
                ps.setObject(1, modelId);
                ps.setObject(2, modelVersionId);
                ps.setObject(3, jobId);
                return ps.executeUpdate();
            } catch (SQLException e) {
                throw DatabaseErrors.translate(e);
            }
        });
    }

    private Object value(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, Argument.OBJECT_ARGUMENT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T read(SqlWork<T> work) {
        return tx.executeRead(status -> {
            try {
                return work.run(status.getConnection());
            } catch (SQLException e) {
                throw DatabaseErrors.translate(e);
            }
        });
    }

    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
