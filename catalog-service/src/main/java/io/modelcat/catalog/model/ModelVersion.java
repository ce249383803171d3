package io.modelcat.catalog.model;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One version of a model: the revision it came from, where its files are, and what it was derived from. */
@Serdeable
public record ModelVersion(
        UUID id,
        UUID modelId,
        int versionNumber,
        @Nullable String sourceRevision,
        @Nullable String artifactUri,
        @Nullable UUID parentVersionId,
        @Nullable @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> lineage,
        @Nullable String notes,
        Instant createdAt) {
}
