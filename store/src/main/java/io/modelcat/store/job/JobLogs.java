package io.modelcat.store.job;

import io.modelcat.store.SqlValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The {@code job_log} table: runners append a job's structured log lines, catalog-service reads them. */
public final class JobLogs {

    private JobLogs() {
    }

    /** One log line; {@code id} grows, so readers continue after the last one they saw. {@code fields} is JSON text. */
    public record Line(long id, Instant at, String level, String message, String fields) {
    }

    /** Appends a line; {@code fields} is a JSON object as text. */
    public static void append(Connection c, UUID jobId, String level, String message, String fields) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO job_log (job_id, level, message, fields) VALUES (?, ?, ?, ?::jsonb)")) {
            ps.setObject(1, jobId);
            ps.setString(2, level);
            ps.setString(3, message);
            ps.setString(4, fields);
            ps.executeUpdate();
        }
    }

    /** At most {@code limit} lines of the job after line {@code afterId}, oldest first. */
    public static List<Line> after(Connection c, UUID jobId, long afterId, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, at, level, message, fields::text AS fields FROM job_log
                WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?""")) {
            ps.setObject(1, jobId);
            ps.setLong(2, afterId);
            ps.setInt(3, limit);
            List<Line> lines = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(new Line(rs.getLong("id"), SqlValues.instant(rs, "at"), rs.getString("level"),
                            rs.getString("message"), rs.getString("fields")));
                }
            }
            return lines;
        }
    }
}
