package io.modelcat.store.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** The {@code job_dataset} table: which datasets a job reads, in which role ({@code train}, {@code validation}, {@code test}). */
public final class JobDatasets {

    private JobDatasets() {
    }

    /**
     * Links a dataset to a job. The foreign key locks the dataset row (FOR KEY SHARE), so a concurrent delete
     * waits and then sees the job; if the dataset is already gone this fails with SQL state 23503, which the
     * caller reports in its own words.
     */
    public static void link(Connection c, UUID jobId, String role, UUID datasetId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO job_dataset (job_id, role, dataset_id) VALUES (?, ?, ?)")) {
            ps.setObject(1, jobId);
            ps.setString(2, role);
            ps.setObject(3, datasetId);
            ps.executeUpdate();
        }
    }

    /** The oldest queued or running job that reads the dataset, if any. */
    public static Optional<UUID> activeJobReading(Connection c, UUID datasetId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT j.id FROM job_dataset jd JOIN job j ON j.id = jd.job_id
                WHERE jd.dataset_id = ? AND j.state IN ('queued', 'running')
                ORDER BY j.submitted_at LIMIT 1""")) {
            ps.setObject(1, datasetId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }
}
