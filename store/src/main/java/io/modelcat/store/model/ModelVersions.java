package io.modelcat.store.model;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code model_version} table: the versions of a model, numbered 1, 2, ... under the model's row lock, so that
 * concurrent additions (an API call, an import, a registration) never collide.
 */
public final class ModelVersions {

    private static final String COLUMNS =
            "id, model_id, version_number, source_revision, artifact_uri, parent_version_id, lineage::text AS lineage, notes, created_at";

    private ModelVersions() {
    }

    /** A version to add; {@code lineage} is a JSON object as text. */
    public record NewVersion(String sourceRevision, String artifactUri, UUID parentVersionId, String lineage,
                             String notes) {
    }

    /** What {@link #add} did, and the version it added. */
    public record Added(Outcome outcome, VersionRow version) {
    }

    /** Whether the version was added, or why not. */
    public enum Outcome { ADDED, NO_SUCH_MODEL, NO_SUCH_PARENT }

    /** A version registered from a job. */
    public record Registered(UUID modelId, int versionNumber) {
    }

    /** The model's versions, oldest first. */
    public static List<VersionRow> of(Connection c, UUID modelId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM model_version WHERE model_id = ? ORDER BY version_number")) {
            ps.setObject(1, modelId);
            List<VersionRow> versions = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    versions.add(read(rs));
                }
            }
            return versions;
        }
    }

    /**
     * Adds the model's next version and marks the card changed (and ready, when the version has files). Nothing
     * is added when the model or the named parent version does not exist.
     */
    public static Added add(Connection c, UUID modelId, NewVersion version) throws SQLException {
        // The row lock serialises concurrent additions, so version numbers never collide.
        if (!Models.lock(c, modelId)) {
            return new Added(Outcome.NO_SUCH_MODEL, null);
        }
        if (version.parentVersionId() != null && !exists(c, version.parentVersionId())) {
            return new Added(Outcome.NO_SUCH_PARENT, null);
        }
        UUID id = UUID.randomUUID();
        insertNext(c, id, modelId, version);
        Models.versionAdded(c, modelId, version.artifactUri() != null);
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM model_version WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Added(Outcome.ADDED, read(rs));
            }
        }
    }

    /** The version registered from the job (named {@code jobId} in its lineage), if any. */
    public static Optional<Registered> registeredFrom(Connection c, UUID jobId) throws SQLException {
        // Registrations are rare and model_version is small next to metric: a scan is fine here.
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT model_id, version_number FROM model_version WHERE lineage ->> 'jobId' = ? LIMIT 1")) {
            ps.setString(1, jobId.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Registered(rs.getObject(1, UUID.class), rs.getInt(2)))
                        : Optional.empty();
            }
        }
    }

    /** The versions with these ids, of whichever models, by id. */
    static Map<UUID, VersionRow> byIds(Connection c, List<UUID> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM model_version WHERE id = ANY (CAST(? AS uuid[]))")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            Map<UUID, VersionRow> versions = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    VersionRow version = read(rs);
                    versions.put(version.id(), version);
                }
            }
            return versions;
        }
    }

    /** The version with this id, of whichever model. */
    public static Optional<VersionRow> find(Connection c, UUID versionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM model_version WHERE id = ?")) {
            ps.setObject(1, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** The model's version of a source revision, if there is one. */
    static Optional<VersionRow> ofRevision(Connection c, UUID modelId, String revision) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM model_version WHERE model_id = ? AND source_revision = ?")) {
            ps.setObject(1, modelId);
            ps.setString(2, revision);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Inserts version {@code id} with the model's next number, which it returns. The caller holds the model's
     * row lock (the one place that numbers versions).
     */
    static int insertNext(Connection c, UUID id, UUID modelId, NewVersion version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO model_version (id, model_id, version_number, source_revision, artifact_uri,
                                           parent_version_id, lineage, notes)
                SELECT ?, ?, coalesce(max(version_number), 0) + 1, ?, ?, ?, ?::jsonb, ?
                FROM model_version WHERE model_id = ?
                RETURNING version_number""")) {
            ps.setObject(1, id);
            ps.setObject(2, modelId);
            ps.setString(3, version.sourceRevision());
            ps.setString(4, version.artifactUri());
            ps.setObject(5, version.parentVersionId());
            ps.setString(6, version.lineage());
            ps.setString(7, version.notes());
            ps.setObject(8, modelId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static boolean exists(Connection c, UUID versionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM model_version WHERE id = ?")) {
            ps.setObject(1, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The version of a row of {@link #COLUMNS}. */
    private static VersionRow read(ResultSet rs) throws SQLException {
        return new VersionRow(
                rs.getObject("id", UUID.class),
                rs.getObject("model_id", UUID.class),
                rs.getInt("version_number"),
                rs.getString("source_revision"),
                rs.getString("artifact_uri"),
                rs.getObject("parent_version_id", UUID.class),
                rs.getString("lineage"),
                rs.getString("notes"),
                rs.getTimestamp("created_at").toInstant());
    }
}
