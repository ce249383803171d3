package io.modelcat.catalog.hub;

import io.micronaut.core.annotation.Nullable;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelVersion;
import java.util.List;
import java.util.Optional;

/**
 * A model version as a Hub revision: its repository id, its commit-like id and its files.
 *
 * @param commit  the 40-hex id the Hub API gives the version (stable: see {@link HubCatalog#commitOf})
 * @param adapter its base model when the version is a LoRA adapter served as a PEFT repository, else {@code null}
 */
public record HubRevision(String repoId, ModelCard card, ModelVersion version, String commit, List<HubFile> files,
                          @Nullable PeftAdapter adapter) {

    public HubRevision {
        files = List.copyOf(files);
    }

    public Optional<HubFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }
}
