package io.modelcat.catalog.model;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.store.model.HostedCards;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A model card's summary, as a list page shows each card: everything but the description and samples, with the
 * description's excerpt instead (its first text as one plain line). {@link ModelCard}, what
 * {@code GET /api/v1/models/{id}} gives, is the summary with the description and samples.
 */
@Serdeable
@Schema(name = "ModelSummary")
public record ModelSummary(
        UUID id,
        String name,
        @Nullable String publisher,
        @Schema(description = "the description's first paragraph (or list) as plain text, at most 160 characters "
                + "(the last then an ellipsis); empty when the description has no text outside headings, tables "
                + "and code") String excerpt,
        String task,
        List<String> finetuningTasks,
        @Nullable String license,
        List<String> tags,
        @Nullable String library,
        @Nullable String architecture,
        ModelCard.Source source,
        String status,
        @Nullable String statusMessage,
        @Nullable ModelVersion latestVersion,
        int versionCount,
        Instant createdAt,
        Instant updatedAt,
        long version,
        @Schema(description = "the repository id under the Hub API (/hub), for huggingface_hub and transformers")
        String hubRepoId,
        @Nullable @Schema(description = "for a model served by an LLM connection (source type connection): how to "
                + "call it") ModelCard.Hosted hosted) {

    /** Whether the card stands for a model served by an LLM connection, which owns it. */
    public boolean isHosted() {
        return HostedCards.SOURCE_TYPE.equals(source.type());
    }
}
