package io.modelcat.store.metric;

import io.modelcat.jobs.spec.BulkTestResult;
import io.modelcat.jobs.spec.BulkTestSpec;
import io.modelcat.store.model.HostedCards;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A bulk test's metrics in the {@code metric} table, beside those of evaluate jobs (docs/flows.md): each run's
 * evaluation metrics as final {@code test} figures of the job, on the test's dataset, under the task
 * {@value #TASK}, credited to the model version that answered what the metric measures (see
 * {@link BulkTestSpec#modelOf}) and named by the run's variant.
 */
public final class BulkTestMetrics {

    /** A flow's steps are chat completions: text generation. */
    public static final String TASK = "text-generation";
    /** Counts of the rows a method scored ({@code exact_match_rows}, ...): not measures of a model. */
    private static final String ROW_COUNT_SUFFIX = "_rows";

    private BulkTestMetrics() {
    }

    /**
     * Replaces every figure the test's jobs registered (an earlier attempt, or the evaluation this one re-applies)
     * with this job's result: one set of figures per test, as its {@code result} is one.
     */
    public static void replace(Connection c, BulkTestSpec spec, UUID jobId, BulkTestResult result) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                DELETE FROM metric WHERE job_id = ? OR job_id IN (
                    SELECT id FROM job WHERE kind = 'bulk-test' AND params ->> 'bulkTestId' = ?)""")) {
            ps.setObject(1, jobId);
            ps.setString(2, spec.bulkTestId().toString());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO metric (job_id, model_id, model_version_id, dataset_id, task, split, name, value, variant)
                VALUES (?, (SELECT model_id FROM model_version WHERE id = ?), ?, ?, ?, 'test', ?, ?, ?)""")) {
            Map<String, Optional<UUID>> versions = new HashMap<>();
            for (BulkTestResult.RunMetrics run : result.runs()) {
                for (var metric : run.metrics().entrySet()) {
                    Double value = metric.getValue();
                    if (metric.getKey().endsWith(ROW_COUNT_SUFFIX) || value == null || !Double.isFinite(value)) {
                        continue;
                    }
                    String model = spec.modelOf(run.variant(), metric.getKey());
                    Optional<UUID> found = versions.get(model);
                    if (found == null) {
                        found = versionOf(c, model);
                        versions.put(model, found);
                    }
                    UUID version = found.orElse(null);
                    ps.setObject(1, jobId);
                    ps.setObject(2, version);
                    ps.setObject(3, version);
                    ps.setObject(4, spec.dataset().id());
                    ps.setString(5, TASK);
                    ps.setString(6, metric.getKey());
                    ps.setDouble(7, value);
                    ps.setString(8, run.variant());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /**
     * The model version a mesh model ({@code <connection>/<model>}) stands for: the hosted card's, or for a
     * {@code modelcat} connection the version its endpoint's deployment of that name serves; empty when the catalog
     * has neither (a connection that allows any model has no cards).
     */
    public static Optional<UUID> versionOf(Connection c, String meshModel) throws SQLException {
        Optional<UUID> hosted = HostedCards.versionOf(c, meshModel);
        int slash = meshModel.indexOf('/');
        if (hosted.isPresent() || slash <= 0) {
            return hosted;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT d.model_version_id FROM llm_connection l
                JOIN endpoint e ON e.name = l.endpoint_name
                JOIN deployment d ON d.endpoint_id = e.id AND d.name = ?
                WHERE l.name = ? AND l.kind = 'modelcat'""")) {
            ps.setString(1, meshModel.substring(slash + 1));
            ps.setString(2, meshModel.substring(0, slash));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }
}
