package io.modelcat.store.metric;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code prediction_sample} table: the rows of an evaluation kept for the UI, with what the model read, the
 * expected answer and what it predicted (each JSON text; {@code expected} may be null).
 */
public final class PredictionSamples {

    private PredictionSamples() {
    }

    /** One kept prediction. */
    public record Sample(int rowIndex, String input, String expected, String predicted) {
    }

    /** Replaces the job's sample. */
    public static void replace(Connection c, UUID jobId, List<Sample> samples) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM prediction_sample WHERE job_id = ?")) {
            ps.setObject(1, jobId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO prediction_sample (job_id, row_index, input, expected, predicted)
                VALUES (?, ?, ?::jsonb, ?::jsonb, ?::jsonb)""")) {
            for (Sample s : samples) {
                ps.setObject(1, jobId);
                ps.setInt(2, s.rowIndex());
                ps.setString(3, s.input());
                ps.setString(4, s.expected());
                ps.setString(5, s.predicted());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The job's sample in row order. */
    public static List<Sample> of(Connection c, UUID jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT row_index, input::text AS input, expected::text AS expected, predicted::text AS predicted
                FROM prediction_sample WHERE job_id = ? ORDER BY row_index""")) {
            ps.setObject(1, jobId);
            List<Sample> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Sample(rs.getInt("row_index"), rs.getString("input"), rs.getString("expected"),
                            rs.getString("predicted")));
                }
            }
            return rows;
        }
    }
}
