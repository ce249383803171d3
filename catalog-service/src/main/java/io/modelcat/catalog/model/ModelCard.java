package io.modelcat.catalog.model;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A model card as the catalog shows it, with a summary of its newest version. */
@Serdeable
public record ModelCard(
        UUID id,
        String name,
        @Nullable String publisher,
        @Nullable String description,
        String task,
        List<String> finetuningTasks,
        @Nullable String license,
        List<String> tags,
        @Nullable String library,
        @Nullable String architecture,
        List<ModelSample> samples,
        Source source,
        String status,
        @Nullable String statusMessage,
        @Nullable ModelVersion latestVersion,
        int versionCount,
        Instant createdAt,
        Instant updatedAt,
        long version,
        @Schema(description = "the repository id under the Hub API (/hub), for huggingface_hub and transformers")
        String hubRepoId) {

    /** Where the model came from: {@code huggingface} (repo and revision), {@code finetuned} or {@code manual}. */
    @Serdeable
    public record Source(String type, @Nullable String repo, @Nullable String revision) {
    }
}
