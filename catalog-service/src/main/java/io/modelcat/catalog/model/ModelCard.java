package io.modelcat.catalog.model;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.store.model.HostedCards;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
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
        @Schema(description = "the description's first paragraph (or list) as plain text, at most 160 characters, "
                + "as list pages carry it") String excerpt,
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
        String hubRepoId,
        @Nullable @Schema(description = "for a model served by an LLM connection (source type connection): how to "
                + "call it") Hosted hosted) {

    /** Whether the card stands for a model served by an LLM connection, which owns it. */
    public boolean isHosted() {
        return HostedCards.SOURCE_TYPE.equals(source.type());
    }

    /**
     * A hosted model: the connection serving it, its kind, the model's name there, the name the LLM mesh and flows
     * call it by ({@code <connection>/<model>}), and its price in USD per million tokens when the connection sets one.
     */
    @Serdeable
    @Schema(name = "HostedModel")
    public record Hosted(String connection, String kind, String model, String meshModel,
                         @Nullable BigDecimal inputPerMillion, @Nullable BigDecimal outputPerMillion) {
    }

    /**
     * Where the model came from: {@code huggingface} (repo and revision), {@code upload}, {@code finetuned},
     * {@code manual}, or {@code connection} (repo {@code <connection>/<model>}: a model served by an LLM connection).
     */
    @Serdeable
    public record Source(String type, @Nullable String repo, @Nullable String revision) {
    }
}
