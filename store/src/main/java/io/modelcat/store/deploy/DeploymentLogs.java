package io.modelcat.store.deploy;

import io.modelcat.store.SqlValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code deployment_log} table: what happened to a deployment's instances (placed, loading, ready, failed,
 * retired, removed with their runner, calls that failed on the runner), written by the catalog service that places
 * instances and by the runners, read by the endpoint page's Logs tab. The newest {@value #KEPT} lines of each
 * deployment are kept.
 */
public final class DeploymentLogs {

    /** How many lines of one deployment are kept. */
    public static final int KEPT = 1000;

    public enum Level { INFO, WARN, ERROR }

    /** One line; {@code instanceId} and {@code workerId} are null for lines about the whole deployment. */
    public record Line(long id, UUID deploymentId, UUID instanceId, String workerId, Instant at, String level,
                       String message) {
    }

    private DeploymentLogs() {
    }

    /** Adds a line about an instance, naming its deployment and runner as the instance row has them. */
    public static void instance(Connection c, UUID instanceId, Level level, String message) throws SQLException {
        UUID deployment;
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO deployment_log (deployment_id, instance_id, worker_id, level, message)
                SELECT deployment_id, id, worker_id, ?, ? FROM deployment_instance WHERE id = ?
                RETURNING deployment_id""")) {
            ps.setString(1, level.name());
            ps.setString(2, message);
            ps.setObject(3, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return; // the instance is gone: its deployment was deleted, or it was removed meanwhile
                }
                deployment = SqlValues.uuid(rs, "deployment_id");
            }
        }
        prune(c, deployment);
    }

    /** Adds a line about an instance whose deployment and runner the caller knows (its row may be gone already). */
    public static void append(Connection c, UUID deploymentId, UUID instanceId, String workerId, Level level,
                              String message) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO deployment_log (deployment_id, instance_id, worker_id, level, message)
                SELECT id, ?, ?, ?, ? FROM deployment WHERE id = ?""")) {
            ps.setObject(1, instanceId);
            ps.setString(2, workerId);
            ps.setString(3, level.name());
            ps.setString(4, message);
            ps.setObject(5, deploymentId);
            if (ps.executeUpdate() == 0) {
                return;
            }
        }
        prune(c, deploymentId);
    }

    private static void prune(Connection c, UUID deploymentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                DELETE FROM deployment_log WHERE deployment_id = ? AND id <= (
                    SELECT id FROM deployment_log WHERE deployment_id = ? ORDER BY id DESC OFFSET ? LIMIT 1)""")) {
            ps.setObject(1, deploymentId);
            ps.setObject(2, deploymentId);
            ps.setInt(3, KEPT);
            ps.executeUpdate();
        }
    }

    /**
     * Lines of a deployment, oldest first: those after {@code afterId}, or without one the newest {@code limit}.
     */
    public static List<Line> lines(Connection c, UUID deploymentId, Long afterId, int limit) throws SQLException {
        String sql = afterId == null
                ? "SELECT * FROM (SELECT * FROM deployment_log WHERE deployment_id = ? ORDER BY id DESC LIMIT ?) l ORDER BY id"
                : "SELECT * FROM deployment_log WHERE deployment_id = ? AND id > ? ORDER BY id LIMIT ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, deploymentId);
            if (afterId == null) {
                ps.setInt(2, limit);
            } else {
                ps.setLong(2, afterId);
                ps.setInt(3, limit);
            }
            List<Line> lines = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(new Line(rs.getLong("id"), SqlValues.uuid(rs, "deployment_id"),
                            SqlValues.uuid(rs, "instance_id"), rs.getString("worker_id"), SqlValues.instant(rs, "at"),
                            rs.getString("level"), rs.getString("message")));
                }
            }
            return lines;
        }
    }
}
