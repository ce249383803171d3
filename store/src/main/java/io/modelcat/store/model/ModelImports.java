package io.modelcat.store.model;

import io.modelcat.store.change.ChangeNotices;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What imports from the Hugging Face Hub and uploads of model files write to the {@code model} table: catalog-service
 * marks a known card as importing when it queues an import; the runner registers the card and a version per Hub
 * revision, or marks the card failed; an upload registers its card and a version per distinct content.
 */
public final class ModelImports {

    private ModelImports() {
    }

    /** What the Hub says about a model. */
    public record Card(String repoId, String name, String publisher, String description, String task,
                       List<String> finetuningTasks, String license, List<String> tags, String library,
                       String architecture) {
    }

    /** The card and version an import ended with; {@code created} false when that revision was there already. */
    public record Registered(UUID modelId, UUID versionId, int versionNumber, boolean created) {
    }

    /** The {@code source_type} of imported cards. */
    public static final String HUGGINGFACE = "huggingface";
    /** The {@code source_type} of cards made by uploading files. */
    public static final String UPLOAD = "upload";

    /**
     * Marks the card of a Hugging Face repository as being imported (unless it is already imported) and returns
     * its id; empty when the catalog has no card for the repository yet.
     */
    public static Optional<UUID> markImporting(Connection c, String repoId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE model SET status = CASE WHEN status = 'ready' THEN status ELSE 'importing' END,
                                 status_message = NULL, updated_at = now()
                WHERE source_type = 'huggingface' AND lower(source_repo) = lower(?)
                RETURNING id""")) {
            ps.setString(1, repoId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                ChangeNotices.cardsChanged(c);
                return Optional.of(rs.getObject(1, UUID.class));
            }
        }
    }

    /** Marks an existing card of the repository as failed to import, with the reason; no card is created. */
    public static void markFailed(Connection c, String repoId, String message) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE model SET status = CASE WHEN status = 'importing' THEN 'failed' ELSE status END,
                                 status_message = ?, updated_at = now()
                WHERE source_type = 'huggingface' AND source_repo = ?""")) {
            ps.setString(1, message);
            ps.setString(2, repoId);
            if (ps.executeUpdate() > 0) {
                ChangeNotices.cardsChanged(c);
            }
        }
    }

    /**
     * Creates or refreshes the repository's card (ready), and adds a version for the revision unless it has one.
     * The card's row stays locked until the transaction ends, so concurrent imports of one repository agree on
     * its versions.
     */
    public static Registered register(Connection c, Card card, ModelVersions.NewVersion version) throws SQLException {
        return register(c, HUGGINGFACE, card, version);
    }

    /**
     * As {@link #register(Connection, Card, ModelVersions.NewVersion)} for a card of the given source
     * ({@link #HUGGINGFACE} or {@link #UPLOAD}), keyed by its repository id within that source.
     */
    public static Registered register(Connection c, String sourceType, Card card, ModelVersions.NewVersion version)
            throws SQLException {
        UUID modelId = upsert(c, sourceType, card, version.sourceRevision());
        ChangeNotices.cardsChanged(c);
        Optional<VersionRow> existing = ModelVersions.ofRevision(c, modelId, version.sourceRevision());
        if (existing.isPresent()) {
            return new Registered(modelId, existing.get().id(), existing.get().versionNumber(), false);
        }
        UUID versionId = UUID.randomUUID();
        int number = ModelVersions.insertNext(c, versionId, modelId, version);
        return new Registered(modelId, versionId, number, true);
    }

    /** Inserts or refreshes the card (a refresh raises its lock version), locking its row; its id. */
    private static UUID upsert(Connection c, String sourceType, Card card, String revision) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO model (id, name, publisher, description, excerpt, task, finetuning_tasks, license, tags,
                                   library, architecture, source_type, source_repo, source_revision, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ready')
                ON CONFLICT (source_type, source_repo) WHERE source_repo IS NOT NULL DO UPDATE SET
                    description = CASE WHEN EXCLUDED.description <> '' THEN EXCLUDED.description ELSE model.description END,
                    excerpt = CASE WHEN EXCLUDED.description <> '' THEN EXCLUDED.excerpt ELSE model.excerpt END,
                    task = EXCLUDED.task, finetuning_tasks = EXCLUDED.finetuning_tasks,
                    license = EXCLUDED.license, tags = EXCLUDED.tags, library = EXCLUDED.library,
                    architecture = EXCLUDED.architecture, source_revision = EXCLUDED.source_revision,
                    status = 'ready', status_message = NULL, updated_at = now(),
                    lock_version = model.lock_version + 1
                RETURNING id""")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, card.name());
            ps.setString(3, card.publisher());
            ps.setString(4, card.description());
            ps.setString(5, CardExcerpt.of(card.description()));
            ps.setString(6, card.task());
            ps.setArray(7, c.createArrayOf("text", card.finetuningTasks().toArray()));
            ps.setString(8, card.license());
            ps.setArray(9, c.createArrayOf("text", card.tags().toArray()));
            ps.setString(10, card.library());
            ps.setString(11, card.architecture());
            ps.setString(12, sourceType);
            ps.setString(13, card.repoId());
            ps.setString(14, revision);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }
}
