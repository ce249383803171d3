package io.modelcat.runner.importing;

import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Writes an imported model into the catalog: its card (created or refreshed) and a version per Hub revision. */
@Singleton
public class ImportedModels {

    private final TransactionOperations<Connection> tx;
    private final JsonMapper json;

    public ImportedModels(TransactionOperations<Connection> tx, JsonMapper json) {
        this.tx = tx;
        this.json = json;
    }

    /** What the Hub says about the model. */
    public record Card(String repoId, String name, String publisher, String description, String task,
                       List<String> finetuningTasks, String license, List<String> tags, String library,
                       String architecture) {
    }

    /** The card and version the import ended with; {@code created} false when that revision was there already. */
    public record Registered(UUID modelId, UUID versionId, int versionNumber, boolean created) {
    }

    public Registered register(Card card, String revision, String artifactUri, Map<String, Object> lineage) {
        return tx.executeWrite(status -> {
            Connection c = status.getConnection();
            try {
                UUID modelId;
                // Insert or refresh the card, locking it so that concurrent imports of one repository
                // agree on its versions.
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO model (id, name, publisher, description, task, finetuning_tasks, license, tags,
                                           library, architecture, source_type, source_repo, source_revision, status)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'huggingface', ?, ?, 'ready')
                        ON CONFLICT (source_type, source_repo) WHERE source_repo IS NOT NULL DO UPDATE SET
                            description = CASE WHEN EXCLUDED.description <> '' THEN EXCLUDED.description ELSE model.description END,
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
                    ps.setString(5, card.task());
                    ps.setArray(6, c.createArrayOf("text", card.finetuningTasks().toArray()));
                    ps.setString(7, card.license());
                    ps.setArray(8, c.createArrayOf("text", card.tags().toArray()));
                    ps.setString(9, card.library());
                    ps.setString(10, card.architecture());
                    ps.setString(11, card.repoId());
                    ps.setString(12, revision);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        modelId = rs.getObject(1, UUID.class);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, version_number FROM model_version WHERE model_id = ? AND source_revision = ?")) {
                    ps.setObject(1, modelId);
                    ps.setString(2, revision);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return new Registered(modelId, rs.getObject(1, UUID.class), rs.getInt(2), false);
                        }
                    }
                }
                UUID versionId = UUID.randomUUID();
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO model_version (id, model_id, version_number, source_revision, artifact_uri, lineage, notes)
                        SELECT ?, ?, coalesce(max(version_number), 0) + 1, ?, ?, ?::jsonb, ?
                        FROM model_version WHERE model_id = ?
                        RETURNING version_number""")) {
                    ps.setObject(1, versionId);
                    ps.setObject(2, modelId);
                    ps.setString(3, revision);
                    ps.setString(4, artifactUri);
                    ps.setString(5, json.writeValueAsString(lineage));
                    ps.setString(6, "Imported from the Hugging Face Hub at revision " + revision);
                    ps.setObject(7, modelId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return new Registered(modelId, versionId, rs.getInt(1), true);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("database error: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Marks an existing card of the repository as failed to import, with the reason; no card is created. */
    public void markFailed(String repoId, String message) {
        tx.executeWrite(status -> {
            try (PreparedStatement ps = status.getConnection().prepareStatement("""
                    UPDATE model SET status = CASE WHEN status = 'importing' THEN 'failed' ELSE status END,
                                     status_message = ?, updated_at = now()
                    WHERE source_type = 'huggingface' AND source_repo = ?""")) {
                ps.setString(1, message);
                ps.setString(2, repoId);
                return ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("database error: " + e.getMessage(), e);
            }
        });
    }
}
