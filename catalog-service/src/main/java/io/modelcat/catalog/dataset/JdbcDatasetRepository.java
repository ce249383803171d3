package io.modelcat.catalog.dataset;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.modelcat.catalog.access.UserRef;
import io.modelcat.datasets.BadRow;
import io.modelcat.datasets.Column;
import io.modelcat.datasets.ColumnType;
import io.modelcat.datasets.DatasetFormat;
import io.modelcat.datasets.DatasetProfile;
import io.modelcat.store.Database;
import io.modelcat.store.job.JobDatasets;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** PostgreSQL storage of datasets; columns, bad rows and the preview are jsonb. */
@Singleton
final class JdbcDatasetRepository implements DatasetRepository {

    private static final String COLUMNS = """
            id, name, format, size_bytes, sha256, row_count, bad_row_count, bad_rows::text AS bad_rows,
            columns::text AS columns, created_at, created_by,
            (SELECT username FROM app_user WHERE app_user.id = dataset.created_by) AS created_by_name""";
    private static final Argument<List<Dataset.DatasetColumn>> COLUMN_LIST = Argument.listOf(Dataset.DatasetColumn.class);
    private static final Argument<List<Dataset.BadRecord>> BAD_ROW_LIST = Argument.listOf(Dataset.BadRecord.class);
    private static final Argument<List<Map<String, Object>>> ROW_LIST = Argument.listOf(Argument.mapOf(String.class, Object.class));

    private final Database db;
    private final JsonMapper json;

    JdbcDatasetRepository(Database db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public Dataset insert(UUID id, String name, StoredFile file, DatasetProfile profile, UUID createdBy) {
        List<Dataset.DatasetColumn> columns = profile.columns().stream()
                .map(c -> new Dataset.DatasetColumn(c.name(), c.type().wireName(), c.missing())).toList();
        List<Dataset.BadRecord> badRows = profile.badRows().stream()
                .map(b -> new Dataset.BadRecord(b.line(), b.reason())).toList();
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO dataset (id, name, format, size_bytes, sha256, row_count, bad_row_count, bad_rows,
                                         columns, preview, storage_path, created_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?)""")) {
                ps.setObject(1, id);
                ps.setString(2, name);
                ps.setString(3, profile.format().wireName());
                ps.setLong(4, file.sizeBytes());
                ps.setString(5, file.sha256());
                ps.setLong(6, profile.rowCount());
                ps.setLong(7, profile.badRowCount());
                ps.setString(8, write(badRows));
                ps.setString(9, write(columns));
                ps.setString(10, write(profile.preview()));
                ps.setString(11, file.storagePath());
                ps.setObject(12, createdBy);
                ps.executeUpdate();
            }
            return findIn(c, id).orElseThrow();
        });
    }

    @Override
    public Optional<Dataset> find(UUID id) {
        return db.readInTransaction(c -> findIn(c, id));
    }

    @Override
    public Optional<DatasetProfile> profile(UUID id) {
        return db.readInTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT format, row_count, bad_row_count, bad_rows::text AS bad_rows, columns::text AS columns,
                           preview::text AS preview
                    FROM dataset WHERE id = ?""")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<DatasetProfile>empty();
                    }
                    List<Column> columns = read(rs.getString("columns"), COLUMN_LIST).stream()
                            .map(col -> new Column(col.name(), ColumnType.fromWireName(col.type()).orElse(ColumnType.MIXED),
                                    col.missing()))
                            .toList();
                    List<BadRow> badRows = read(rs.getString("bad_rows"), BAD_ROW_LIST).stream()
                            .map(b -> new BadRow(b.line(), b.reason())).toList();
                    return Optional.of(new DatasetProfile(DatasetFormat.fromWireName(rs.getString("format")).orElseThrow(),
                            columns, rs.getLong("row_count"), rs.getLong("bad_row_count"), badRows,
                            read(rs.getString("preview"), ROW_LIST)));
                }
            }
        });
    }

    @Override
    public List<Dataset> list(int limit, After after) {
        return db.readInTransaction(c -> {
            String where = after == null ? "" : "WHERE (created_at, id) < (?, ?)";
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM dataset " + where + " ORDER BY created_at DESC, id DESC LIMIT ?")) {
                int i = 1;
                if (after != null) {
                    ps.setTimestamp(i++, Timestamp.from(after.createdAt()));
                    ps.setObject(i++, after.id());
                }
                ps.setInt(i, limit);
                List<Dataset> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public Deletion deleteUnlessInUse(UUID id) {
        return db.write(c -> {
            // The row lock makes a job submitted concurrently (its job_dataset foreign key takes a key-share
            // lock on this row) either be seen below or fail its foreign key check after the delete.
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM dataset WHERE id = ? FOR UPDATE")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new Deletion(Outcome.NOT_FOUND, null, null);
                    }
                }
            }
            Optional<UUID> user = JobDatasets.activeJobReading(c, id);
            if (user.isPresent()) {
                return new Deletion(Outcome.IN_USE, null, user.get());
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dataset WHERE id = ? RETURNING storage_path")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Deletion(Outcome.DELETED, rs.getString(1), null);
                }
            }
        });
    }

    private Optional<Dataset> findIn(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dataset WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private Dataset map(ResultSet rs) throws SQLException {
        return new Dataset(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("format"),
                rs.getLong("size_bytes"), rs.getString("sha256"), rs.getLong("row_count"), rs.getLong("bad_row_count"),
                read(rs.getString("bad_rows"), BAD_ROW_LIST), read(rs.getString("columns"), COLUMN_LIST),
                rs.getTimestamp("created_at").toInstant(),
                rs.getObject("created_by") == null ? null
                        : new UserRef(rs.getObject("created_by", UUID.class), rs.getString("created_by_name")));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T read(String text, Argument<T> type) {
        try {
            return json.readValue(text, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
