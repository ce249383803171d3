package io.modelcat.catalog.evaluate;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.job.JobRequests;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.UUID;

/** Evaluate a model version on a test dataset for a task, with a column mapping. */
@Serdeable
@Schema(name = "EvaluationRequest")
public record EvaluationRequest(
        @NotNull UUID modelId,
        @Nullable @Min(1) @Schema(description = "version to evaluate (default: the newest)") Integer versionNumber,
        @NotNull UUID datasetId,
        @NotBlank @Schema(description = "a task the engine evaluates (GET /api/v1/tasks), the model's task or one of its fine-tuning tasks") String task,
        @Nullable @Size(max = 20) @Schema(description = "task input -> dataset column; unmapped inputs default to the column of the same name") Map<String, String> mapping,
        @Nullable @Valid JobRequests.DeviceInput device,
        @Nullable @Schema(description = "rows per batch; a whole number between 1 and 512 (default 32)") Integer batchSize,
        @Nullable @Schema(description = "tokens per row; longer rows are cut; a whole number between 8 and 4096 (default 128)") Integer maxSequenceLength,
        @Nullable @Min(0) @Max(9) @Schema(description = "0 (default) to 9; higher runs first") Integer priority,
        @Nullable @Pattern(regexp = JobRequests.LANGUAGE_CODE) @Schema(description = "translation only: the source language code "
                + "(e.g. en), which picks the model's task prefix when it translates several ways") String sourceLanguage,
        @Nullable @Pattern(regexp = JobRequests.LANGUAGE_CODE) @Schema(description = "translation only: the target language code "
                + "(e.g. de)") String targetLanguage) {
}
