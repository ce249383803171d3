package io.modelcat.catalog.jobinput;

import io.modelcat.store.Database;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.UUID;

/** Reads a dataset's storage path and format from PostgreSQL. */
@Singleton
final class JdbcDatasetFiles implements DatasetFiles {

    private final Database db;

    JdbcDatasetFiles(Database db) {
        this.db = db;
    }

    @Override
    public Optional<DatasetFile> find(UUID datasetId) {
        return db.readInTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, name, storage_path, format FROM dataset WHERE id = ?")) {
                ps.setObject(1, datasetId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new DatasetFile(rs.getObject("id", UUID.class), rs.getString("name"),
                                    rs.getString("storage_path"), rs.getString("format")))
                            : Optional.<DatasetFile>empty();
                }
            }
        });
    }
}
