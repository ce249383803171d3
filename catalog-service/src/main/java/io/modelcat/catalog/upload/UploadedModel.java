package io.modelcat.catalog.upload;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.UUID;

/**
 * What an upload made: the card and version it registered (or found, when the same files were uploaded before).
 *
 * @param repoId   the repository id the model is known by, also under {@code /hub}
 * @param revision the commit-like id of the files (40 hex), the version's source revision
 * @param created  false when a version with exactly these files existed already (nothing changed)
 */
@Serdeable
public record UploadedModel(UUID modelId, String repoId, int versionNumber, boolean created, String revision,
                            String task, List<String> finetuningTasks, long totalBytes, List<File> files) {

    /** A file kept, with its size and SHA-256. */
    @Serdeable
    public record File(String name, long size, String sha256) {
    }
}
