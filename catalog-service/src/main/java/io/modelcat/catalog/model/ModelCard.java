package io.modelcat.catalog.model;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.List;

/**
 * A model card as the catalog shows it: its summary (what list pages carry, with a summary of its newest version),
 * its whole Markdown description and its samples. In JSON the summary's fields are the card's own.
 */
@Serdeable
@Schema(name = "ModelCard")
public record ModelCard(
        @JsonUnwrapped ModelSummary summary,
        @Nullable String description,
        List<ModelSample> samples) {

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
