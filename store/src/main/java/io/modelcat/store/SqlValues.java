package io.modelcat.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Binds parameters and reads column values the same way in every table's SQL. */
public final class SqlValues {

    private SqlValues() {
    }

    /** Binds parameters in order: a list as a {@code text[]}, a string as text, anything else as itself. */
    public static void bind(Connection c, PreparedStatement ps, List<?> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof List<?> list) {
                ps.setArray(i + 1, c.createArrayOf("text", list.toArray()));
            } else if (p instanceof String s) {
                ps.setString(i + 1, s);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    /** A {@code timestamptz} column as an instant, or null. */
    public static java.time.Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** A {@code text[]} column as a list, empty when null. */
    public static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    /** A {@code uuid} column, or null. */
    public static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    /** An {@code integer} column that may be null. */
    public static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }
}
