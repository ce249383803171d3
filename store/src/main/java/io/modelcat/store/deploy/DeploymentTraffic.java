package io.modelcat.store.deploy;

import io.modelcat.store.SqlValues;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code deployment_traffic} table: what each deployment answered, by minute, summed over every catalog
 * service. Each service adds what it counted since its last write; readers get the sums.
 */
public final class DeploymentTraffic {

    /** Upper ends of the latency buckets in milliseconds; one more, open, bucket follows the last. */
    public static final List<Integer> BUCKET_ENDS_MS = List.of(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000);

    private DeploymentTraffic() {
    }

    /**
     * Counts of one deployment in one minute.
     *
     * @param latency calls per latency bucket ({@link #BUCKET_ENDS_MS}, then the open one)
     */
    public record Counts(long requests, long errors, long throttled, long mirrored, long[] latency) {

        public Counts {
            if (latency.length != BUCKET_ENDS_MS.size() + 1) {
                throw new IllegalArgumentException(latency.length + " latency buckets; there are "
                        + (BUCKET_ENDS_MS.size() + 1));
            }
            latency = latency.clone();
        }

        @Override
        public long[] latency() {
            return latency.clone();
        }
    }

    /** The counts of a deployment in a minute. */
    public record Minute(UUID deploymentId, Instant minute, Counts counts) {
    }

    /** Adds counts to a deployment's minute. */
    public static void add(Connection c, UUID deploymentId, Instant minute, Counts counts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO deployment_traffic AS t (deployment_id, minute, requests, errors, throttled, mirrored, latency_ms)
                SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM deployment WHERE id = ?)
                ON CONFLICT (deployment_id, minute) DO UPDATE SET
                    requests = t.requests + EXCLUDED.requests, errors = t.errors + EXCLUDED.errors,
                    throttled = t.throttled + EXCLUDED.throttled, mirrored = t.mirrored + EXCLUDED.mirrored,
                    latency_ms = ARRAY(SELECT a + b FROM unnest(t.latency_ms, EXCLUDED.latency_ms) AS x(a, b))""")) {
            ps.setObject(1, deploymentId);
            ps.setTimestamp(2, Timestamp.from(minute));
            ps.setLong(3, counts.requests());
            ps.setLong(4, counts.errors());
            ps.setLong(5, counts.throttled());
            ps.setLong(6, counts.mirrored());
            ps.setArray(7, c.createArrayOf("bigint", java.util.Arrays.stream(counts.latency()).boxed().toArray()));
            ps.setObject(8, deploymentId);
            ps.executeUpdate();
        }
    }

    /** The minutes of the given deployments from {@code from} on, oldest first. */
    public static List<Minute> since(Connection c, List<UUID> deploymentIds, Instant from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT deployment_id, minute, requests, errors, throttled, mirrored, latency_ms
                FROM deployment_traffic WHERE deployment_id = ANY (?) AND minute >= ? ORDER BY minute, deployment_id""")) {
            ps.setArray(1, c.createArrayOf("uuid", deploymentIds.toArray()));
            ps.setTimestamp(2, Timestamp.from(from));
            List<Minute> minutes = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array array = rs.getArray("latency_ms");
                    Long[] buckets = (Long[]) array.getArray();
                    long[] latency = new long[buckets.length];
                    for (int i = 0; i < buckets.length; i++) {
                        latency[i] = buckets[i];
                    }
                    minutes.add(new Minute(SqlValues.uuid(rs, "deployment_id"), SqlValues.instant(rs, "minute"),
                            new Counts(rs.getLong("requests"), rs.getLong("errors"), rs.getLong("throttled"),
                                    rs.getLong("mirrored"), latency)));
                }
            }
            return minutes;
        }
    }
}
