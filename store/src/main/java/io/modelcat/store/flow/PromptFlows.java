package io.modelcat.store.flow;

import io.modelcat.jobs.flow.Flow;
import io.modelcat.jobs.spec.JobSpecs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code prompt_flow} table: saved prompt flows (docs/flows.md). */
public final class PromptFlows {

    private static final String SELECT = """
            SELECT name, definition::text AS definition, version, created_by, created_at, updated_by, updated_at
            FROM prompt_flow""";

    private PromptFlows() {
    }

    /** A saved flow; {@code version} counts its saves. */
    public record FlowRow(String name, Flow flow, int version, String createdBy, Instant createdAt, String updatedBy,
                          Instant updatedAt) {
    }

    /** Stores a new flow; false if the name is taken. */
    public static boolean insert(Connection c, String name, Flow flow, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO prompt_flow (name, definition, created_by, updated_by) VALUES (?, ?::jsonb, ?, ?)
                ON CONFLICT (name) DO NOTHING""")) {
            ps.setString(1, name);
            ps.setString(2, JobSpecs.write(flow));
            ps.setString(3, by);
            ps.setString(4, by);
            return ps.executeUpdate() == 1;
        }
    }

    /** Replaces a flow's definition and counts a version; false if there is none of that name. */
    public static boolean update(Connection c, String name, Flow flow, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE prompt_flow SET definition = ?::jsonb, version = version + 1, updated_by = ?, updated_at = now()
                WHERE name = ?""")) {
            ps.setString(1, JobSpecs.write(flow));
            ps.setString(2, by);
            ps.setString(3, name);
            return ps.executeUpdate() == 1;
        }
    }

    public static Optional<FlowRow> byName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE name = ?")) {
            ps.setString(1, name);
            return read(ps).stream().findFirst();
        }
    }

    /** Every flow, by name. */
    public static List<FlowRow> all(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY name")) {
            return read(ps);
        }
    }

    public static boolean delete(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM prompt_flow WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() == 1;
        }
    }

    private static List<FlowRow> read(PreparedStatement ps) throws SQLException {
        List<FlowRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new FlowRow(rs.getString("name"), JobSpecs.read(rs.getString("definition"), Flow.class),
                        rs.getInt("version"), rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(),
                        rs.getString("updated_by"), rs.getTimestamp("updated_at").toInstant()));
            }
        }
        return rows;
    }
}
