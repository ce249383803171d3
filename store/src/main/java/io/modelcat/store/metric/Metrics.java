package io.modelcat.store.metric;

import io.modelcat.store.SqlValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code metric} table: runners record what jobs measure (per step, epoch and split, and final figures);
 * catalog-service reads them per job, per model and as leaderboards, and attributes a fine-tune's figures to the
 * version registered from it.
 */
public final class Metrics {

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

    private Metrics() {
    }

    /** Where measured values belong: the job, the model version measured, the dataset and the task. */
    public record Subject(UUID jobId, UUID modelVersionId, UUID datasetId, String task) {
    }

    /** One recorded value; {@code step} and {@code epoch} are null for final figures. */
    public record Figure(String split, String name, double value, Integer step, Integer epoch, Instant recordedAt) {

        /** Whether this is a figure at the end (no step, no epoch) rather than one of a series. */
        public boolean isFinal() {
            return step == null && epoch == null;
        }
    }

    /**
     * A final test figure of a job on one version of a model, with the dataset (and its name) it was measured on, and
     * the bulk test's variant that gave it (null for other jobs).
     */
    public record VersionFigure(UUID jobId, UUID modelVersionId, int versionNumber, UUID datasetId, String datasetName,
                                String task, String name, double value, Instant recordedAt, String variant) {
    }

    /** One model version on a leaderboard: its latest job's value of the metric. */
    public record Ranked(int rank, UUID modelId, String modelName, UUID modelVersionId, int versionNumber, UUID jobId,
                         String jobKind, double value, Instant recordedAt) {
    }

    /**
     * Records values of one split; {@code step} and {@code epoch} are null for final figures. Values that are
     * not numbers (NaN, infinite) are left out.
     */
    public static void record(Connection c, Subject subject, String split, Map<String, Double> values, Integer step,
                              Integer epoch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO metric (job_id, model_id, model_version_id, dataset_id, task, split, name, value, step, epoch)
                VALUES (?, (SELECT model_id FROM model_version WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (Map.Entry<String, Double> value : values.entrySet()) {
                if (value.getValue() == null || value.getValue().isNaN() || value.getValue().isInfinite()) {
                    continue;
                }
                ps.setObject(1, subject.jobId());
                ps.setObject(2, subject.modelVersionId());
                ps.setObject(3, subject.modelVersionId());
                ps.setObject(4, subject.datasetId());
                ps.setString(5, subject.task());
                ps.setString(6, split);
                ps.setString(7, value.getKey());
                ps.setDouble(8, value.getValue());
                ps.setObject(9, step);
                ps.setObject(10, epoch);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Everything the job recorded, in the order it was recorded. */
    public static List<Figure> ofJob(Connection c, UUID jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT split, name, value, step, epoch, recorded_at FROM metric WHERE job_id = ? ORDER BY id")) {
            ps.setObject(1, jobId);
            List<Figure> figures = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    figures.add(new Figure(rs.getString("split"), rs.getString("name"), rs.getDouble("value"),
                            SqlValues.integer(rs, "step"), SqlValues.integer(rs, "epoch"),
                            SqlValues.instant(rs, "recorded_at")));
                }
            }
            return figures;
        }
    }

    /**
     * Final test figures of every job on any version of the model, by version, job and name. Here and on
     * leaderboards, figures of a finetune job still attributed to the version it started from are left out: they
     * describe the fine-tuned weights, which only count once registered (see {@link #attribute}).
     */
    public static List<VersionFigure> ofModel(Connection c, UUID modelId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT m.job_id, m.model_version_id, v.version_number, m.dataset_id, d.name AS dataset_name, m.task,
                       m.name, m.value, m.recorded_at, m.variant
                FROM model_version v
                JOIN metric m ON m.model_version_id = v.id
                JOIN job j ON j.id = m.job_id
                LEFT JOIN dataset d ON d.id = m.dataset_id
                WHERE v.model_id = ? AND m.split = 'test' AND m.step IS NULL AND m.epoch IS NULL AND %s
                ORDER BY v.version_number, m.recorded_at, m.job_id, m.variant, m.name""".formatted(NOT_UNREGISTERED_FINETUNE))) {
            ps.setObject(1, modelId);
            List<VersionFigure> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new VersionFigure(rs.getObject("job_id", UUID.class),
                            rs.getObject("model_version_id", UUID.class), rs.getInt("version_number"),
                            rs.getObject("dataset_id", UUID.class), rs.getString("dataset_name"),
                            rs.getString("task"), rs.getString("name"), rs.getDouble("value"),
                            SqlValues.instant(rs, "recorded_at"), rs.getString("variant")));
                }
            }
            return rows;
        }
    }

    /** One row per model version (its latest job's figure), ranked best first. */
    public static List<Ranked> leaderboard(Connection c, UUID datasetId, String task, String metric, boolean ascending,
                                           int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                LEADERBOARD.formatted(NOT_UNREGISTERED_FINETUNE, ascending ? "ASC" : "DESC"))) {
            ps.setObject(1, datasetId);
            ps.setString(2, task);
            ps.setString(3, metric);
            ps.setInt(4, limit);
            List<Ranked> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Ranked(rows.size() + 1, rs.getObject("model_id", UUID.class),
                            rs.getString("model_name"), rs.getObject("model_version_id", UUID.class),
                            rs.getInt("version_number"), rs.getObject("job_id", UUID.class),
                            rs.getString("job_kind"), rs.getDouble("value"), SqlValues.instant(rs, "recorded_at")));
                }
            }
            return rows;
        }
    }

    /** Final test figures of the jobs, by job and name. */
    public static Map<UUID, Map<String, Double>> finalTest(Connection c, List<UUID> jobIds) throws SQLException {
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
    }

    /** Attributes all the job's figures to a model version (a fine-tuned model registered from the job). */
    public static void attribute(Connection c, UUID jobId, UUID modelId, UUID modelVersionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE metric SET model_id = ?, model_version_id = ? WHERE job_id = ?")) {
            ps.setObject(1, modelId);
            ps.setObject(2, modelVersionId);
            ps.setObject(3, jobId);
            ps.executeUpdate();
        }
    }
}
