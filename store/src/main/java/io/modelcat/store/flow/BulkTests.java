package io.modelcat.store.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.jobs.flow.FlowExecution;
import io.modelcat.jobs.spec.BulkTestResult;
import io.modelcat.jobs.spec.BulkTestSpec;
import io.modelcat.jobs.spec.JobSpecs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code bulk_test} and {@code bulk_test_row} tables: bulk tests of prompt flows and every row's answer, kept as
 * it arrives (docs/flows.md).
 */
public final class BulkTests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> TEXTS = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, Double>> SCORES = new TypeReference<>() {
    };
    private static final TypeReference<List<FlowExecution.StepResult>> STEPS = new TypeReference<>() {
    };
    private static final String SELECT = """
            SELECT id, flow_name, dataset_id, spec::text AS spec, job_id, result::text AS result, created_by, created_at
            FROM bulk_test""";

    private BulkTests() {
    }

    /** A bulk test: its newest job's specification and (once evaluated) result. */
    public record TestRow(UUID id, String flowName, UUID datasetId, BulkTestSpec spec, UUID jobId,
                          BulkTestResult result, String createdBy, Instant createdAt) {
    }

    /** One row's answer in one variant; {@code costUsd} is null when no call of it had a price. */
    public record AnswerRow(String variant, int rowNumber, Map<String, String> inputs, Map<String, String> outputs,
                            List<FlowExecution.StepResult> steps, String error, long latencyMillis, long promptTokens,
                            long completionTokens, Double costUsd, Map<String, Double> scores) {
    }

    public static void insert(Connection c, BulkTestSpec spec, UUID jobId, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO bulk_test (id, flow_name, dataset_id, spec, job_id, created_by) VALUES (?, ?, ?, ?::jsonb, ?, ?)""")) {
            ps.setObject(1, spec.bulkTestId());
            ps.setString(2, spec.flowName());
            ps.setObject(3, spec.dataset().id());
            ps.setString(4, JobSpecs.write(spec));
            ps.setObject(5, jobId);
            ps.setString(6, by);
            ps.executeUpdate();
        }
    }

    /** Points the test at a newer job (one that re-applies evaluation methods) and its specification. */
    public static void newJob(Connection c, BulkTestSpec spec, UUID jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE bulk_test SET spec = ?::jsonb, job_id = ? WHERE id = ?")) {
            ps.setString(1, JobSpecs.write(spec));
            ps.setObject(2, jobId);
            ps.setObject(3, spec.bulkTestId());
            ps.executeUpdate();
        }
    }

    /** Records the newest job's result, unless a newer job has taken the test over. */
    public static void result(Connection c, UUID id, UUID jobId, BulkTestResult result) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE bulk_test SET result = ?::jsonb WHERE id = ? AND job_id = ?")) {
            ps.setString(1, JobSpecs.write(result));
            ps.setObject(2, id);
            ps.setObject(3, jobId);
            ps.executeUpdate();
        }
    }

    public static Optional<TestRow> byId(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
            ps.setObject(1, id);
            return read(ps).stream().findFirst();
        }
    }

    /** The newest tests first, optionally of one flow. */
    public static List<TestRow> list(Connection c, String flowName, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE (?::text IS NULL OR flow_name = ?)"
                + " ORDER BY created_at DESC, id LIMIT ?")) {
            ps.setString(1, flowName);
            ps.setString(2, flowName);
            ps.setInt(3, limit);
            return read(ps);
        }
    }

    public static boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM bulk_test WHERE id = ?")) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** The rows already answered in a variant, by row number. */
    public static Set<Integer> answered(Connection c, UUID id, String variant) throws SQLException {
        Set<Integer> numbers = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT row_number FROM bulk_test_row WHERE bulk_test_id = ? AND variant = ?")) {
            ps.setObject(1, id);
            ps.setString(2, variant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    numbers.add(rs.getInt(1));
                }
            }
        }
        return numbers;
    }

    /** How many of a variant's kept rows failed. */
    public static long failed(Connection c, UUID id, String variant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM bulk_test_row WHERE bulk_test_id = ? AND variant = ? AND error IS NOT NULL")) {
            ps.setObject(1, id);
            ps.setString(2, variant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Keeps a row's answer; false when it was kept already (by another attempt). */
    public static boolean answer(Connection c, UUID id, AnswerRow row) throws SQLException {
        return answer(c, id, List.of(row)) == 1;
    }

    /**
     * Keeps rows' answers in one batch (on the caller's transaction); answers how many were new, rows kept already
     * (by another attempt) being left as they are.
     */
    public static int answer(Connection c, UUID id, List<AnswerRow> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO bulk_test_row (bulk_test_id, variant, row_number, inputs, outputs, steps, error, latency_ms,
                                           prompt_tokens, completion_tokens, cost_usd)
                VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            for (AnswerRow row : rows) {
                ps.setObject(1, id);
                ps.setString(2, row.variant());
                ps.setInt(3, row.rowNumber());
                ps.setString(4, write(row.inputs()));
                ps.setString(5, write(row.outputs()));
                ps.setString(6, write(row.steps()));
                ps.setString(7, row.error());
                ps.setLong(8, row.latencyMillis());
                ps.setLong(9, row.promptTokens());
                ps.setLong(10, row.completionTokens());
                ps.setObject(11, row.costUsd() == null ? null : java.math.BigDecimal.valueOf(row.costUsd()),
                        java.sql.Types.NUMERIC);
                ps.addBatch();
            }
            int added = 0;
            for (int count : ps.executeBatch()) {
                added += Math.max(count, 0);
            }
            return added;
        }
    }

    /** Replaces the scores of the given rows of a variant (row number to scores). */
    public static void scores(Connection c, UUID id, String variant, Map<Integer, Map<String, Double>> scores)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE bulk_test_row SET scores = ?::jsonb WHERE bulk_test_id = ? AND variant = ? AND row_number = ?")) {
            for (Map.Entry<Integer, Map<String, Double>> e : scores.entrySet()) {
                ps.setString(1, write(e.getValue()));
                ps.setObject(2, id);
                ps.setString(3, variant);
                ps.setInt(4, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Which rows, in which order: a variant's (all when null), only failed or only answered ones (null: both), by row
     * number, latency or a score, from {@code offset}.
     *
     * @param score      sort by this score (rows without it last), or by latency when {@code byLatency}; else by row
     * @param descending the highest first
     */
    public record RowQuery(String variant, Boolean failed, String score, boolean byLatency, boolean descending,
                           int offset, int limit) {

        /** A variant's rows (all when null) in row order. */
        public static RowQuery inOrder(String variant, int offset, int limit) {
            return new RowQuery(variant, null, null, false, false, offset, limit);
        }
    }

    public static List<AnswerRow> rows(Connection c, UUID id, String variant, int offset, int limit) throws SQLException {
        return rows(c, id, RowQuery.inOrder(variant, offset, limit));
    }

    public static List<AnswerRow> rows(Connection c, UUID id, RowQuery q) throws SQLException {
        String direction = q.descending() ? " DESC" : " ASC";
        String order = q.score() != null ? "(scores ->> ?)::float8" + direction + " NULLS LAST, row_number, variant"
                : q.byLatency() ? "latency_ms" + direction + ", row_number, variant"
                : "row_number" + direction + ", variant";
        List<AnswerRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT variant, row_number, inputs::text AS inputs, outputs::text AS outputs, steps::text AS steps, error,
                       latency_ms, prompt_tokens, completion_tokens, cost_usd, scores::text AS scores
                FROM bulk_test_row WHERE bulk_test_id = ? AND (?::text IS NULL OR variant = ?)
                  AND (?::boolean IS NULL OR (error IS NOT NULL) = ?)
                ORDER BY\s""" + order + " OFFSET ? LIMIT ?")) {
            int i = 1;
            ps.setObject(i++, id);
            ps.setString(i++, q.variant());
            ps.setString(i++, q.variant());
            ps.setObject(i++, q.failed(), java.sql.Types.BOOLEAN);
            ps.setObject(i++, q.failed(), java.sql.Types.BOOLEAN);
            if (q.score() != null) {
                ps.setString(i++, q.score());
            }
            ps.setInt(i++, q.offset());
            ps.setInt(i, q.limit());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new AnswerRow(rs.getString("variant"), rs.getInt("row_number"),
                            parse(rs.getString("inputs"), TEXTS), parse(rs.getString("outputs"), TEXTS),
                            parse(rs.getString("steps"), STEPS), rs.getString("error"), rs.getLong("latency_ms"),
                            rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"),
                            rs.getBigDecimal("cost_usd") == null ? null : rs.getBigDecimal("cost_usd").doubleValue(),
                            parse(rs.getString("scores"), SCORES)));
                }
            }
        }
        return rows;
    }

    /** How many rows are answered, per variant. */
    public static Map<String, Long> counts(Connection c, UUID id) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT variant, count(*) FROM bulk_test_row WHERE bulk_test_id = ? GROUP BY variant ORDER BY variant")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    private static List<TestRow> read(PreparedStatement ps) throws SQLException {
        List<TestRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String result = rs.getString("result");
                rows.add(new TestRow(rs.getObject("id", UUID.class), rs.getString("flow_name"),
                        rs.getObject("dataset_id", UUID.class), JobSpecs.read(rs.getString("spec"), BulkTestSpec.class),
                        rs.getObject("job_id", UUID.class),
                        result == null ? null : JobSpecs.read(result, BulkTestResult.class),
                        rs.getString("created_by"), rs.getTimestamp("created_at").toInstant()));
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
            throw new IllegalStateException("bulk_test_row holds malformed JSON: " + e.getOriginalMessage(), e);
        }
    }
}
