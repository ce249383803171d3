package io.modelcat.store.llm;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code llm_rate_bucket} and {@code llm_call_slot} tables: each LLM connection's limits as every catalog service
 * sees them. Times are the database's clock, which all services share.
 */
public final class LlmLimits {

    private LlmLimits() {
    }

    /** The database's clock, in nanoseconds since the epoch (microsecond precision). */
    private static final String NOW_NANOS = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint * 1000";

    /**
     * A connection's token bucket, locked for the rest of the transaction.
     *
     * @param perMinute the setting it was filled for; 0 when the connection has none yet
     * @param nowNanos  the database's clock now
     */
    public record Bucket(int perMinute, long level, long atNanos, long nowNanos) {
    }

    /** Locks {@code connection}'s bucket (made empty-handed, {@code perMinute} 0, when it has none). */
    public static Bucket lockBucket(Connection c, String connection) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO llm_rate_bucket (connection_name, per_minute, level, at_nanos) VALUES (?, 1, 0, 0)
                ON CONFLICT (connection_name) DO NOTHING""")) {
            ps.setString(1, connection);
            ps.executeUpdate();
        }
        int perMinute;
        long level;
        long at;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT per_minute, level, at_nanos FROM llm_rate_bucket WHERE connection_name = ? FOR UPDATE")) {
            ps.setString(1, connection);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                perMinute = rs.getInt("per_minute");
                level = rs.getLong("level");
                at = rs.getLong("at_nanos");
            }
        }
        // The clock is read once the row is ours: read with the row, it would be the time before the lock's wait.
        try (PreparedStatement ps = c.prepareStatement("SELECT " + NOW_NANOS);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Bucket(at == 0 ? 0 : perMinute, level, at, Math.max(at, rs.getLong(1)));
        }
    }

    public static void saveBucket(Connection c, String connection, int perMinute, long level, long atNanos)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE llm_rate_bucket SET per_minute = ?, level = ?, at_nanos = ? WHERE connection_name = ?")) {
            ps.setInt(1, perMinute);
            ps.setLong(2, level);
            ps.setLong(3, atNanos);
            ps.setString(4, connection);
            ps.executeUpdate();
        }
    }

    /**
     * Takes one of {@code connection}'s {@code max} slots for a call, held by {@code holder} until released or
     * {@code lease} after its last renewal; empty when {@code max} are held (expired ones are cleared first).
     */
    public static Optional<UUID> takeSlot(Connection c, String connection, int max, String holder, Duration lease)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('llm_call_slot'), "
                + "hashtext(?))")) {
            ps.setString(1, connection);
            ps.execute();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM llm_call_slot WHERE connection_name = ? AND expires_at < clock_timestamp()")) {
            ps.setString(1, connection);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM llm_call_slot WHERE connection_name = ?")) {
            ps.setString(1, connection);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) >= max) {
                    return Optional.empty();
                }
            }
        }
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO llm_call_slot (id, connection_name, holder, "
                + "expires_at) VALUES (?, ?, ?, clock_timestamp() + ? * interval '1 millisecond')")) {
            ps.setObject(1, id);
            ps.setString(2, connection);
            ps.setString(3, holder);
            ps.setLong(4, lease.toMillis());
            ps.executeUpdate();
        }
        return Optional.of(id);
    }

    public static void releaseSlot(Connection c, UUID slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM llm_call_slot WHERE id = ?")) {
            ps.setObject(1, slot);
            ps.executeUpdate();
        }
    }

    /** Extends every slot {@code holder} holds to {@code lease} from now; answers how many. */
    public static int renewSlots(Connection c, String holder, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE llm_call_slot SET expires_at = clock_timestamp() "
                + "+ ? * interval '1 millisecond' WHERE holder = ?")) {
            ps.setLong(1, lease.toMillis());
            ps.setString(2, holder);
            return ps.executeUpdate();
        }
    }
}
