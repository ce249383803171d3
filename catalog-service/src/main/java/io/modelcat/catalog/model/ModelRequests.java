package io.modelcat.catalog.model;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Request bodies of the model API, with their limits. */
public final class ModelRequests {

    public static final int MAX_DESCRIPTION = 100_000;
    public static final String LICENSE_PATTERN = "[A-Za-z0-9][A-Za-z0-9.+\\-]*";
    public static final String TAG_PATTERN = "[\\p{L}\\p{N}][\\p{L}\\p{N}._:+\\-]*";

    private ModelRequests() {
    }

    /** Where a new card comes from; {@code manual} when not given. */
    @Serdeable
    public record SourceInput(
            @Nullable @Pattern(regexp = "manual|huggingface|finetuned", message = "must be one of manual, huggingface, finetuned") String type,
            @Nullable @Size(max = 200) String repo,
            @Nullable @Size(max = 200) String revision) {
    }

    /** A new model card. */
    @Serdeable
    @Schema(name = "CreateModelRequest")
    public record Create(
            @NotBlank @Size(max = 200) String name,
            @Nullable @Size(max = 200) String publisher,
            @Nullable @Size(max = MAX_DESCRIPTION) @Schema(description = "Markdown") String description,
            @NotBlank @Schema(description = "inference task, e.g. text-classification") String task,
            @Nullable @Size(max = 7) List<@NotBlank String> finetuningTasks,
            @NotBlank @Size(max = 100) @Pattern(regexp = LICENSE_PATTERN, message = "must be a licence identifier such as apache-2.0") String license,
            @Nullable @Size(max = 50) List<@NotBlank @Size(max = 50) @Pattern(regexp = TAG_PATTERN, message = "must be letters, digits and . _ : + -") String> tags,
            @Nullable @Size(max = 100) String library,
            @Nullable @Size(max = 100) String architecture,
            @Nullable @Size(max = 10) List<@NotNull @Valid ModelSample> samples,
            @Nullable @Valid SourceInput source) {
    }

    /** Changes to a card: absent fields stay as they are; {@code version} must be the card's current version. */
    @Serdeable
    @Schema(name = "UpdateModelRequest")
    public record Update(
            @NotNull @PositiveOrZero @Schema(description = "the card's version as last read (optimistic locking)") Long version,
            @Nullable @Size(min = 1, max = 200) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
            @Nullable @Size(max = 200) String publisher,
            @Nullable @Size(max = MAX_DESCRIPTION) String description,
            @Nullable String task,
            @Nullable @Size(max = 7) List<@NotBlank String> finetuningTasks,
            @Nullable @Size(max = 100) @Pattern(regexp = LICENSE_PATTERN, message = "must be a licence identifier such as apache-2.0") String license,
            @Nullable @Size(max = 50) List<@NotBlank @Size(max = 50) @Pattern(regexp = TAG_PATTERN, message = "must be letters, digits and . _ : + -") String> tags,
            @Nullable @Size(max = 100) String library,
            @Nullable @Size(max = 100) String architecture,
            @Nullable @Size(max = 10) List<@NotNull @Valid ModelSample> samples) {
    }

    /** A new version of a model. */
    @Serdeable
    @Schema(name = "CreateVersionRequest")
    public record CreateVersion(
            @Nullable @Size(max = 200) String sourceRevision,
            @Nullable @Size(max = 2000) String artifactUri,
            @Nullable UUID parentVersionId,
            @Nullable @Size(max = 50) @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> lineage,
            @Nullable @Size(max = 10_000) String notes) {
    }
}
