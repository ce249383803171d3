package io.modelcat.runner.importing;

import io.micronaut.json.JsonMapper;
import io.modelcat.store.Database;
import io.modelcat.store.model.ModelImports;
import io.modelcat.store.model.ModelVersions;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes an imported model into the catalog through the store's {@link ModelImports}: its card (created or
 * refreshed) and a version per Hub revision, numbered as every other version is.
 */
@Singleton
public class ImportedModels {

    private final Database db;
    private final JsonMapper json;

    public ImportedModels(Database db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    public ModelImports.Registered register(ModelImports.Card card, String revision, String artifactUri,
                                           Map<String, Object> lineage) {
        ModelVersions.NewVersion version = new ModelVersions.NewVersion(revision, artifactUri, null, toJson(lineage),
                "Imported from the Hugging Face Hub at revision " + revision);
        return db.write(c -> ModelImports.register(c, card, version));
    }

    /** Marks an existing card of the repository as failed to import, with the reason; no card is created. */
    public void markFailed(String repoId, String message) {
        db.write(c -> {
            ModelImports.markFailed(c, repoId, message);
            return null;
        });
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
