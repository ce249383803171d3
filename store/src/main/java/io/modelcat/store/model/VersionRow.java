package io.modelcat.store.model;

import java.time.Instant;
import java.util.UUID;

/** A row of the {@code model_version} table; {@code lineage} is JSON text. */
public record VersionRow(
        UUID id,
        UUID modelId,
        int versionNumber,
        String sourceRevision,
        String artifactUri,
        UUID parentVersionId,
        String lineage,
        String notes,
        Instant createdAt) {
}
