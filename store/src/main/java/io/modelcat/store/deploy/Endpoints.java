package io.modelcat.store.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Optional;
import java.util.UUID;

/** The {@code endpoint} table: online endpoints, their keys and their traffic maps (docs/deployments.md). */
public final class Endpoints {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Endpoints() {
    }

    /** Which of an endpoint's two keys. */
    public enum KeyType {
        PRIMARY("primary"), SECONDARY("secondary");

        private final String column;

        KeyType(String column) {
            this.column = column;
        }
    }

    /**
     * A stored key: the SHA-256 (hex) that callers' keys are checked against, and the key sealed under the
     * secret key (null when none is configured: the key was shown once, when made).
     */
    public record StoredKey(String hash, String sealed) {
    }

    /** A new endpoint. */
    public record NewEndpoint(UUID id, String name, String description, String authMode, StoredKey primary,
                              StoredKey secondary, UUID createdBy) {
    }

    /**
     * An endpoint as stored; {@code traffic} in the order of its deployments' names; {@code mirror} the share of
     * calls copied to one deployment (empty: none).
     */
    public record EndpointRow(UUID id, String name, String description, String authMode, StoredKey primary,
                              StoredKey secondary, Map<String, Integer> traffic, Map<String, Integer> mirror,
                              String createdBy, Instant createdAt, Instant updatedAt) {

        public StoredKey key(KeyType type) {
            return type == KeyType.PRIMARY ? primary : secondary;
        }
    }

    private static final String SELECT = """
            SELECT e.id, e.name, e.description, e.auth_mode, e.primary_key_hash, e.primary_key_sealed,
                   e.secondary_key_hash, e.secondary_key_sealed, e.traffic::text AS traffic, e.mirror::text AS mirror,
                   u.username AS created_by,
                   e.created_at, e.updated_at
            FROM endpoint e LEFT JOIN app_user u ON u.id = e.created_by""";

    /** Stores a new endpoint; false if the name is taken. */
    public static boolean insert(Connection c, NewEndpoint e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO endpoint (id, name, description, auth_mode, primary_key_hash, primary_key_sealed,
                                      secondary_key_hash, secondary_key_sealed, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING""")) {
            SqlValues.bind(c, ps, java.util.Arrays.asList(e.id(), e.name(), e.description(), e.authMode(),
                    e.primary().hash(), e.primary().sealed(), e.secondary().hash(), e.secondary().sealed(), e.createdBy()));
            return ps.executeUpdate() == 1;
        }
    }

    public static Optional<EndpointRow> byName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE e.name = ?")) {
            ps.setString(1, name);
            List<EndpointRow> rows = read(ps);
            return rows.stream().findFirst();
        }
    }

    /** The key-mode endpoint one of whose keys hashes to {@code hash}, if any. */
    public static Optional<EndpointRow> byKeyHash(Connection c, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT
                + " WHERE e.auth_mode = 'key' AND (e.primary_key_hash = ? OR e.secondary_key_hash = ?)")) {
            ps.setString(1, hash);
            ps.setString(2, hash);
            return read(ps).stream().findFirst();
        }
    }

    /** Every endpoint, by name. */
    public static List<EndpointRow> all(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY e.name")) {
            return read(ps);
        }
    }

    /** Deletes an endpoint with its deployments and their instances; false if there was none. */
    public static boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM endpoint WHERE id = ?")) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Replaces the traffic map. */
    public static void setTraffic(Connection c, UUID id, Map<String, Integer> traffic) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE endpoint SET traffic = ?::jsonb, updated_at = now() WHERE id = ?")) {
            ps.setString(1, write(traffic));
            ps.setObject(2, id);
            ps.executeUpdate();
        }
    }

    /** Replaces the mirror: at most one deployment and its share of the calls. */
    public static void setMirror(Connection c, UUID id, Map<String, Integer> mirror) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE endpoint SET mirror = ?::jsonb, updated_at = now() WHERE id = ?")) {
            ps.setString(1, write(mirror));
            ps.setObject(2, id);
            ps.executeUpdate();
        }
    }

    /** Replaces one key. */
    public static void setKey(Connection c, UUID id, KeyType type, StoredKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE endpoint SET " + type.column + "_key_hash = ?, "
                + type.column + "_key_sealed = ?, updated_at = now() WHERE id = ?")) {
            ps.setString(1, key.hash());
            ps.setString(2, key.sealed());
            ps.setObject(3, id);
            ps.executeUpdate();
        }
    }

    /** Locks an endpoint's row until the transaction ends, so that changes to its traffic and deployments serialise. */
    public static Optional<EndpointRow> lock(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM endpoint WHERE name = ? FOR UPDATE")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
            }
        }
        return byName(c, name);
    }

    private static List<EndpointRow> read(PreparedStatement ps) throws SQLException {
        List<EndpointRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new EndpointRow(SqlValues.uuid(rs, "id"), rs.getString("name"), rs.getString("description"),
                        rs.getString("auth_mode"),
                        new StoredKey(rs.getString("primary_key_hash"), rs.getString("primary_key_sealed")),
                        new StoredKey(rs.getString("secondary_key_hash"), rs.getString("secondary_key_sealed")),
                        readTraffic(rs.getString("traffic")), readTraffic(rs.getString("mirror")), rs.getString("created_by"),
                        SqlValues.instant(rs, "created_at"), SqlValues.instant(rs, "updated_at")));
            }
        }
        return rows;
    }

    private static Map<String, Integer> readTraffic(String json) {
        try {
            return new LinkedHashMap<>(JSON.readValue(json, new TypeReference<LinkedHashMap<String, Integer>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("endpoint.traffic holds no map of percentages: " + json, e);
        }
    }

    private static String write(Map<String, Integer> traffic) {
        try {
            return JSON.writeValueAsString(traffic);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
