package io.modelcat.store.worker;

import io.modelcat.store.SqlValues;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The {@code worker} table: each runner keeps its row alive with a heartbeat and removes it when it stops; rows
 * whose heartbeat stopped are pruned; catalog-service lists the live ones.
 */
public final class Workers {

    private Workers() {
    }

    /**
     * What a runner says about itself; {@code gpus} is a JSON array as text; {@code serveUrl} is where it
     * answers for the deployment instances placed on it (null: it serves none).
     */
    public record Machine(String id, String host, int cpuCores, long memoryBytes, String gpus, String serveUrl) {
    }

    /**
     * A live runner, the jobs it runs now (oldest first), the runner token it started with (may be null), and the
     * deployment instances placed on it with the CPU cores they reserve there.
     */
    public record LiveWorker(String id, String host, int cpuCores, long memoryBytes, String gpus, Instant startedAt,
                             Instant heartbeatAt, List<UUID> runningJobs, UUID runnerTokenId, String runnerTokenName,
                             int servedInstances, int reservedCores) {
    }

    /** Refreshes the runner's row, creating it if it is not there (first beat, or pruned meanwhile). */
    public static void heartbeat(Connection c, Machine machine, UUID runnerTokenId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO worker (id, host, cpu_cores, memory_bytes, gpus, started_at, heartbeat_at, runner_token_id,
                                    serve_url)
                VALUES (?, ?, ?, ?, ?::jsonb, now(), now(), ?, ?)
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), runner_token_id = EXCLUDED.runner_token_id,
                                               serve_url = EXCLUDED.serve_url""")) {
            ps.setString(1, machine.id());
            ps.setString(2, machine.host());
            ps.setInt(3, machine.cpuCores());
            ps.setLong(4, machine.memoryBytes());
            ps.setString(5, machine.gpus());
            ps.setObject(6, runnerTokenId);
            ps.setString(7, machine.serveUrl());
            ps.executeUpdate();
        }
    }

    /** Removes the rows of runners whose last heartbeat is older than {@code deadAfter}. */
    public static void pruneDead(Connection c, Duration deadAfter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM worker WHERE heartbeat_at < now() - make_interval(secs => ?)")) {
            ps.setDouble(1, deadAfter.toMillis() / 1000.0);
            ps.executeUpdate();
        }
    }

    /** Removes a runner's row. */
    public static void remove(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM worker WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    /** The runners whose heartbeat is more recent than {@code deadAfter}, by host. */
    public static List<LiveWorker> live(Connection c, Duration deadAfter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT w.id, w.host, w.cpu_cores, w.memory_bytes, w.gpus::text AS gpus, w.started_at, w.heartbeat_at,
                       w.runner_token_id, t.name AS runner_token_name,
                       coalesce(array_agg(j.id ORDER BY j.started_at) FILTER (WHERE j.id IS NOT NULL), '{}') AS jobs,
                       (SELECT count(*) FROM deployment_instance i WHERE i.worker_id = w.id) AS instances,
                       (SELECT coalesce(sum(i.cpu_cores), 0) FROM deployment_instance i WHERE i.worker_id = w.id)
                           AS reserved_cores
                FROM worker w LEFT JOIN job j ON j.worker_id = w.id AND j.state = 'running'
                LEFT JOIN runner_token t ON t.id = w.runner_token_id
                WHERE w.heartbeat_at > now() - make_interval(secs => ?)
                GROUP BY w.id, t.name ORDER BY w.host, w.id""")) {
            ps.setDouble(1, deadAfter.toMillis() / 1000.0);
            List<LiveWorker> workers = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array jobs = rs.getArray("jobs");
                    workers.add(new LiveWorker(rs.getString("id"), rs.getString("host"), rs.getInt("cpu_cores"),
                            rs.getLong("memory_bytes"), rs.getString("gpus"), SqlValues.instant(rs, "started_at"),
                            SqlValues.instant(rs, "heartbeat_at"), Arrays.asList((UUID[]) jobs.getArray()),
                            SqlValues.uuid(rs, "runner_token_id"), rs.getString("runner_token_name"),
                            rs.getInt("instances"), rs.getInt("reserved_cores")));
                }
            }
            return workers;
        }
    }
}
