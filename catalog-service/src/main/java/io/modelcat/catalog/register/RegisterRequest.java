package io.modelcat.catalog.register;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.model.ModelRequests;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;

/** Register a fine-tune job's output as a new model, or as the next version of an existing one. */
@Serdeable
@Schema(name = "RegisterRequest")
public record RegisterRequest(
        @NotBlank @Size(max = 200) @Schema(description = "the new model's name (with modelId: the version's notes)") String name,
        @Nullable @Size(max = ModelRequests.MAX_DESCRIPTION) @Schema(description = "Markdown") String description,
        @Nullable @Size(max = 100) @Pattern(regexp = ModelRequests.LICENSE_PATTERN, message = "must be a licence identifier such as apache-2.0") @Schema(description = "default: the base model's licence") String license,
        @Nullable @Size(max = 50) List<@NotBlank @Size(max = 50) @Pattern(regexp = ModelRequests.TAG_PATTERN, message = "must be letters, digits and . _ : + -") String> tags,
        @Nullable @Schema(description = "add a version to this existing model instead of creating a model") UUID modelId) {
}
