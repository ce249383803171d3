package io.modelcat.catalog.export;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelRepository;
import io.modelcat.catalog.model.ModelSummary;
import io.modelcat.catalog.model.ModelVersion;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.NotFoundException;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Exports a model version's files (Hugging Face layout: config, tokenizer, safetensors) as a zip ({@link ArtifactFolder}). */
@Singleton
public class ModelArchiveService {

    private final ModelRepository models;
    private final AuditLog audit;

    public ModelArchiveService(ModelRepository models, AuditLog audit) {
        this.models = models;
        this.audit = audit;
    }

    /** The archive of a model version; its download is audited as an export of the model. */
    public ModelArchive prepare(UUID modelId, int versionNumber, Caller caller) {
        ModelSummary model = models.find(modelId).map(ModelCard::summary)
                .orElseThrow(() -> new NotFoundException("no model has id " + modelId));
        ModelVersion version = models.versions(modelId).stream().filter(v -> v.versionNumber() == versionNumber)
                .findFirst().orElseThrow(() -> new NotFoundException("model " + modelId + " has no version " + versionNumber));
        String what = "version " + versionNumber + " of model " + model.name();
        Path root = ArtifactFolder.of(what, version.artifactUri());
        List<ModelArchive.Entry> entries = ArtifactFolder.files(root);
        if (entries.isEmpty()) {
            throw new ConflictException(what + ": its artifact folder " + root + " holds no files");
        }
        String fileName = (model.name() + "-v" + versionNumber).replaceAll("[^A-Za-z0-9._-]", "_") + ".zip";
        audit.record(caller.did("model.export", "model", modelId, Map.of("versionNumber", versionNumber)));
        return new ModelArchive(fileName, root, entries);
    }
}
