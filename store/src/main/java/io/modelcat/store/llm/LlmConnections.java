package io.modelcat.store.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code llm_connection} table: connections to hosted LLM APIs and to ModelCat's own endpoints (docs/llm.md). */
public final class LlmConnections {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SELECT = """
            SELECT name, kind, description, base_url, endpoint_name, headers::text AS headers,
                   allowed_models::text AS allowed_models, max_concurrent, api_version, requests_per_minute,
                   prices::text AS prices, region, access_key_id, project, location, created_by, created_at, updated_by, updated_at
            FROM llm_connection""";

    private LlmConnections() {
    }

    /**
     * A connection's settings.
     *
     * @param baseUrl           the URL the provider's API hangs under (null for modelcat)
     * @param endpointName      the ModelCat online endpoint it calls (modelcat), else null
     * @param headers           extra headers sent with every call (values are not secret)
     * @param apiVersion        the API version sent with every call (azure-openai), else null
     * @param requestsPerMinute the most calls a minute through the connection, or null for no limit
     * @param prices            USD per million tokens, per allowed model
     * @param cloud             where a cloud provider's calls go and as whom (bedrock, vertex); {@link Cloud#NONE} else
     */
    public record Settings(String kind, String description, String baseUrl, String endpointName,
                           Map<String, String> headers, List<String> allowedModels, int maxConcurrent,
                           String apiVersion, Integer requestsPerMinute, Map<String, Price> prices, Cloud cloud) {

        public Settings {
            cloud = cloud == null ? Cloud.NONE : cloud;
        }
    }

    /**
     * A cloud provider's placement of a connection: AWS Bedrock's {@code region} and {@code accessKeyId}; Google
     * Vertex AI's {@code project} and {@code location}. Null where the kind has none.
     */
    public record Cloud(String region, String accessKeyId, String project, String location) {

        /** No cloud settings: the other kinds. */
        public static final Cloud NONE = new Cloud(null, null, null, null);
    }

    /** What one model costs through a connection: USD per million input (prompt) and output (completion) tokens. */
    public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {
    }

    /** A stored connection. */
    public record ConnectionRow(String name, Settings settings, String createdBy, Instant createdAt, String updatedBy,
                                Instant updatedAt) {
    }

    /** Stores a new connection; false if the name is taken. */
    public static boolean insert(Connection c, String name, Settings s, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO llm_connection (name, kind, description, base_url, endpoint_name, headers, allowed_models,
                                            max_concurrent, api_version, requests_per_minute, prices, region,
                                            access_key_id, project, location, created_by, updated_by)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING""")) {
            ps.setString(1, name);
            int i = bindSettings(ps, 2, s);
            ps.setString(i, by);
            ps.setString(i + 1, by);
            return ps.executeUpdate() == 1;
        }
    }

    /** Replaces a connection's settings; false if there is none of that name. */
    public static boolean update(Connection c, String name, Settings s, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE llm_connection SET kind = ?, description = ?, base_url = ?, endpoint_name = ?, headers = ?::jsonb,
                    allowed_models = ?::jsonb, max_concurrent = ?, api_version = ?, requests_per_minute = ?,
                    prices = ?::jsonb, region = ?, access_key_id = ?, project = ?, location = ?, updated_by = ?, updated_at = now()
                WHERE name = ?""")) {
            int i = bindSettings(ps, 1, s);
            ps.setString(i, by);
            ps.setString(i + 1, name);
            return ps.executeUpdate() == 1;
        }
    }

    private static int bindSettings(PreparedStatement ps, int first, Settings s) throws SQLException {
        ps.setString(first, s.kind());
        ps.setString(first + 1, s.description());
        ps.setString(first + 2, s.baseUrl());
        ps.setString(first + 3, s.endpointName());
        ps.setString(first + 4, write(s.headers()));
        ps.setString(first + 5, write(s.allowedModels()));
        ps.setInt(first + 6, s.maxConcurrent());
        ps.setString(first + 7, s.apiVersion());
        if (s.requestsPerMinute() == null) {
            ps.setNull(first + 8, Types.INTEGER);
        } else {
            ps.setInt(first + 8, s.requestsPerMinute());
        }
        ps.setString(first + 9, write(s.prices()));
        ps.setString(first + 10, s.cloud().region());
        ps.setString(first + 11, s.cloud().accessKeyId());
        ps.setString(first + 12, s.cloud().project());
        ps.setString(first + 13, s.cloud().location());
        return first + 14;
    }

    public static Optional<ConnectionRow> byName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE name = ?")) {
            ps.setString(1, name);
            return read(ps).stream().findFirst();
        }
    }

    /** Every connection, by name. */
    public static List<ConnectionRow> all(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY name")) {
            return read(ps);
        }
    }

    /** Removes a connection; false when there was none. */
    public static boolean delete(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM llm_connection WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() == 1;
        }
    }

    private static List<ConnectionRow> read(PreparedStatement ps) throws SQLException {
        List<ConnectionRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Settings s = new Settings(rs.getString("kind"), rs.getString("description"), rs.getString("base_url"),
                        rs.getString("endpoint_name"),
                        parse(rs.getString("headers"), new TypeReference<LinkedHashMap<String, String>>() { }),
                        parse(rs.getString("allowed_models"), new TypeReference<List<String>>() { }),
                        rs.getInt("max_concurrent"), rs.getString("api_version"),
                        (Integer) rs.getObject("requests_per_minute"),
                        parse(rs.getString("prices"), new TypeReference<LinkedHashMap<String, Price>>() { }),
                        new Cloud(rs.getString("region"), rs.getString("access_key_id"), rs.getString("project"),
                                rs.getString("location")));
                rows.add(new ConnectionRow(rs.getString("name"), s, rs.getString("created_by"),
                        rs.getTimestamp("created_at").toInstant(), rs.getString("updated_by"),
                        rs.getTimestamp("updated_at").toInstant()));
            }
        }
        return rows;
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static <T> T parse(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("llm_connection holds malformed JSON: " + e.getOriginalMessage(), e);
        }
    }
}
