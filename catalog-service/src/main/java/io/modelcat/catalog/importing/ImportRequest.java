package io.modelcat.catalog.importing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Import a Hugging Face model by its MODEL_ID, at a branch, tag or commit (default {@code main}). */
@Serdeable
@Schema(name = "ImportRequest")
public record ImportRequest(
        @NotBlank @Size(max = 200) @Schema(description = "Hub MODEL_ID: name or org/name", example = "distilbert/distilbert-base-uncased") String modelId,
        @Nullable @Size(max = 255) @Schema(description = "branch, tag or 40-hex commit", example = "main") String revision,
        @Nullable @Min(0) @Max(9) Integer priority) {
}
