package io.modelcat.store.model;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * What a catalog import (models moved from another ModelCat site) reads and writes in the {@code model} and
 * {@code model_version} tables: cards and versions keep the ids they had on the site they came from, so that a second
 * import of the same archive finds them and lineage that names them still holds.
 */
public final class ModelTransfers {

    private ModelTransfers() {
    }

    /** Serialises catalog imports, so that two imports of one archive never both create a card or version. */
    public static void lockImports(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('modelcat.catalog-import'))")) {
            ps.execute();
        }
    }

    /** The card of a source repository ({@code huggingface} or {@code upload} cards are unique by it), if any. */
    public static Optional<UUID> modelOfSource(Connection c, String sourceType, String sourceRepo) throws SQLException {
        if (sourceRepo == null) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM model WHERE source_type = ? AND source_repo = ?")) {
            ps.setString(1, sourceType);
            ps.setString(2, sourceRepo);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }

    /** The number of a version, if the version exists. */
    public static Optional<Integer> numberOf(Connection c, UUID versionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version_number FROM model_version WHERE id = ?")) {
            ps.setObject(1, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    /** The model's version of a source revision (a Hub commit, an upload's content id), if there is one. */
    public static Optional<VersionRow> versionOfRevision(Connection c, UUID modelId, String revision) throws SQLException {
        return revision == null ? Optional.empty() : ModelVersions.ofRevision(c, modelId, revision);
    }

    /**
     * Adds version {@code id} to the model with the number it had on its site when that number is free here, else the
     * model's next one, keeping when it was made; the number it got. The parent must exist (or be null). The card is
     * marked changed, and ready when the version has files.
     */
    public static int insertVersion(Connection c, UUID id, UUID modelId, int preferredNumber,
                                    ModelVersions.NewVersion version, Instant createdAt) throws SQLException {
        if (!Models.lock(c, modelId)) {
            throw new IllegalStateException("model " + modelId + " does not exist");
        }
        int number;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT CASE WHEN EXISTS (SELECT 1 FROM model_version WHERE model_id = ? AND version_number = ?)
                            THEN (SELECT coalesce(max(version_number), 0) + 1 FROM model_version WHERE model_id = ?)
                            ELSE ? END""")) {
            ps.setObject(1, modelId);
            ps.setInt(2, preferredNumber);
            ps.setObject(3, modelId);
            ps.setInt(4, preferredNumber);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                number = rs.getInt(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO model_version (id, model_id, version_number, source_revision, artifact_uri,
                                           parent_version_id, lineage, notes, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)""")) {
            ps.setObject(1, id);
            ps.setObject(2, modelId);
            ps.setInt(3, number);
            ps.setString(4, version.sourceRevision());
            ps.setString(5, version.artifactUri());
            ps.setObject(6, version.parentVersionId());
            ps.setString(7, version.lineage());
            ps.setString(8, version.notes());
            ps.setTimestamp(9, Timestamp.from(createdAt));
            ps.executeUpdate();
        }
        Models.versionAdded(c, modelId, version.artifactUri() != null);
        return number;
    }
}
