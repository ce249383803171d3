package io.modelcat.store.llm;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code llm_usage} table: one row per call through the LLM mesh, with the tokens the provider counted. */
public final class LlmUsage {

    private LlmUsage() {
    }

    /**
     * One call.
     *
     * @param costUsd the estimated cost from the connection's price for the model, or null when it has none
     */
    public record Call(String username, String connection, String model, int status, boolean streamed,
                       long promptTokens, long completionTokens, long totalTokens, long latencyMs, BigDecimal costUsd) {
    }

    /** A recorded call. */
    public record CallRow(long id, Instant at, Call call) {
    }

    /** The sums over the calls of one user through one connection; {@code costUsd} sums the priced calls (else null). */
    public record Total(String username, String connection, long calls, long promptTokens, long completionTokens,
                        long totalTokens, BigDecimal costUsd) {
    }

    public static void insert(Connection c, Call call) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO llm_usage (username, connection_name, model, status, streamed, prompt_tokens,
                                       completion_tokens, total_tokens, latency_ms, cost_usd)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setString(1, call.username());
            ps.setString(2, call.connection());
            ps.setString(3, call.model());
            ps.setInt(4, call.status());
            ps.setBoolean(5, call.streamed());
            ps.setLong(6, call.promptTokens());
            ps.setLong(7, call.completionTokens());
            ps.setLong(8, call.totalTokens());
            ps.setLong(9, call.latencyMs());
            ps.setBigDecimal(10, call.costUsd());
            ps.executeUpdate();
        }
    }

    /** The newest calls since {@code since}, newest first. */
    public static List<CallRow> recent(Connection c, Instant since, int limit) throws SQLException {
        List<CallRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, at, username, connection_name, model, status, streamed, prompt_tokens, completion_tokens,
                       total_tokens, latency_ms, cost_usd
                FROM llm_usage WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?""")) {
            ps.setTimestamp(1, Timestamp.from(since));
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new CallRow(rs.getLong("id"), rs.getTimestamp("at").toInstant(), new Call(
                            rs.getString("username"), rs.getString("connection_name"), rs.getString("model"),
                            rs.getInt("status"), rs.getBoolean("streamed"), rs.getLong("prompt_tokens"),
                            rs.getLong("completion_tokens"), rs.getLong("total_tokens"), rs.getLong("latency_ms"),
                            rs.getBigDecimal("cost_usd"))));
                }
            }
        }
        return rows;
    }

    /** Sums per user and connection since {@code since}, by user then connection. */
    public static List<Total> totals(Connection c, Instant since) throws SQLException {
        List<Total> totals = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT username, connection_name, count(*) AS calls, sum(prompt_tokens) AS prompt_tokens,
                       sum(completion_tokens) AS completion_tokens, sum(total_tokens) AS total_tokens,
                       sum(cost_usd) AS cost_usd
                FROM llm_usage WHERE at >= ? GROUP BY username, connection_name ORDER BY username, connection_name""")) {
            ps.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    totals.add(new Total(rs.getString("username"), rs.getString("connection_name"), rs.getLong("calls"),
                            rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("total_tokens"),
                            rs.getBigDecimal("cost_usd")));
                }
            }
        }
        return totals;
    }
}
