package io.modelcat.catalog.mljob;

import io.micronaut.transaction.TransactionOperations;
import io.modelcat.store.DatabaseErrors;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** Reads a dataset's storage path and format from PostgreSQL. */
@Singleton
final class JdbcDatasetFiles implements DatasetFiles {

    private final TransactionOperations<Connection> tx;

    JdbcDatasetFiles(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    @Override
    public Optional<DatasetFile> find(UUID datasetId) {
        return tx.executeRead(status -> {
            try (PreparedStatement ps = status.getConnection().prepareStatement(
                    "SELECT id, name, storage_path, format FROM dataset WHERE id = ?")) {
                ps.setObject(1, datasetId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new DatasetFile(rs.getObject("id", UUID.class), rs.getString("name"),
                                    rs.getString("storage_path"), rs.getString("format")))
                            : Optional.<DatasetFile>empty();
                }
            } catch (SQLException e) {
                throw DatabaseErrors.translate(e);
            }
        });
    }
}
