package io.modelcat.catalog.model;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One version of a model: the revision it came from, where its files are, and what it was derived from. */
@Serdeable
public record ModelVersion(
        UUID id,
        UUID modelId,
        int versionNumber,
        String sourceRevision,
        String artifactUri,
        UUID parentVersionId,
        Map<String, Object> lineage,
        String notes,
        Instant createdAt) {
}
