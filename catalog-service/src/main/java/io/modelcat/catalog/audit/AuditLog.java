package io.modelcat.catalog.audit;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.store.Cursor;
import io.modelcat.store.Database;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/** The audit log: records are only ever added, and admins read them newest first. */
@Singleton
public class AuditLog {

    /** Outcomes of an audited action. */
    public static final String SUCCESS = "success";
    public static final String DENIED = "denied";
    public static final String FAILURE = "failure";
    /** The order of the log, as its cursors name it: newest (highest id) first. */
    private static final String LIST_ORDER = "-id";

    private final Database db;
    private final JsonMapper json;

    public AuditLog(Database db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** What to record; {@code actorId} is null for the system and for failed sign-ins. */
    public record Entry(UUID actorId, String actor, String action, String targetType, String targetId, String outcome,
                        String remoteAddr, Map<String, Object> details) {
    }

    public void record(Entry entry) {
        String details;
        try {
            details = json.writeValueAsString(entry.details() == null ? Map.of() : entry.details());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO audit_event (actor_id, actor, action, target_type, target_id, outcome, remote_addr, details)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")) {
                ps.setObject(1, entry.actorId());
                ps.setString(2, clip(entry.actor(), 64));
                ps.setString(3, entry.action());
                ps.setString(4, entry.targetType());
                ps.setString(5, clip(entry.targetId(), 200));
                ps.setString(6, entry.outcome());
                ps.setString(7, entry.remoteAddr());
                ps.setString(8, details);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Records newest first, filtered by actor, action (a prefix such as {@code job.} matches every job
     * action), target and outcome; {@code before} is the previous page's cursor.
     */
    public AuditPage list(String actor, String action, String targetType, String targetId, String outcome,
                          Integer limit, String before) {
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > 200) {
            throw new InvalidFieldException("limit", "must be between 1 and 200, got " + size);
        }
        Long beforeId = cursor(before);
        return db.read(c -> {
            StringBuilder sql = new StringBuilder("SELECT id, at, actor_id, actor, action, target_type, target_id, outcome, "
                    + "remote_addr, details::text AS details FROM audit_event WHERE true");
            List<Object> params = new ArrayList<>();
            condition(sql, params, " AND lower(actor) = lower(?)", actor);
            if (action != null && !action.isBlank()) {
                sql.append(action.endsWith(".") ? " AND starts_with(action, ?)" : " AND action = ?");
                params.add(action);
            }
            condition(sql, params, " AND target_type = ?", targetType);
            condition(sql, params, " AND target_id = ?", targetId);
            condition(sql, params, " AND outcome = ?", outcome);
            if (beforeId != null) {
                sql.append(" AND id < ?");
                params.add(beforeId);
            }
            sql.append(" ORDER BY id DESC LIMIT ?");
            params.add(size + 1);
            List<AuditEvent> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(read(rs));
                    }
                }
            }
            String next = null;
            if (events.size() > size) {
                events = events.subList(0, size);
                long last = events.get(size - 1).id();
                next = Cursor.of(LIST_ORDER, last, last).encode();
            }
            return new AuditPage(List.copyOf(events), next);
        });
    }

    private AuditEvent read(ResultSet rs) throws java.sql.SQLException {
        Map<String, Object> details;
        try {
            details = json.readValue(rs.getString("details"), Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Timestamp at = rs.getTimestamp("at");
        return new AuditEvent(rs.getLong("id"), at.toInstant(), rs.getObject("actor_id", UUID.class),
                rs.getString("actor"), rs.getString("action"), rs.getString("target_type"), rs.getString("target_id"),
                rs.getString("outcome"), rs.getString("remote_addr"), details);
    }

    private static void condition(StringBuilder sql, List<Object> params, String clause, String value) {
        if (value != null && !value.isBlank()) {
            sql.append(clause);
            params.add(value);
        }
    }

    /** The id of the last record of the previous page, from its cursor (the records' order is their id's). */
    private static Long cursor(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        OptionalLong id = Cursor.decode(value).filter(c -> c.isFor(LIST_ORDER)).map(Cursor::number)
                .orElse(OptionalLong.empty());
        if (id.isEmpty()) {
            throw new InvalidFieldException("cursor", "must be the nextCursor of a previous page, got '"
                    + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "'");
        }
        return id.getAsLong();
    }

    private static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
