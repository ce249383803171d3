package io.modelcat.catalog.finetune;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.job.JobRequests;
import io.modelcat.jobs.spec.Hyperparameters;
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

/** Fine-tune a model version for a task on training data, optionally with validation and test data. */
@Serdeable
@Schema(name = "FinetuneRequest")
public record FinetuneRequest(
        @NotNull UUID modelId,
        @Nullable @Min(1) @Schema(description = "version to start from (default: the newest)") Integer versionNumber,
        @NotBlank @Schema(description = "one of the model's fine-tuning tasks that the engine fine-tunes (GET /api/v1/tasks)") String task,
        @NotNull UUID trainDatasetId,
        @Nullable UUID validationDatasetId,
        @Nullable UUID testDatasetId,
        @Nullable @Size(max = 20) @Schema(description = "task input -> dataset column, the same for every dataset") Map<String, String> mapping,
        @Nullable Hyperparameters.Input hyperparameters,
        @Nullable @Valid JobRequests.DeviceInput device,
        @Nullable @Min(0) @Max(9) @Schema(description = "0 (default) to 9; higher runs first") Integer priority,
        @Nullable @Min(1) @Max(604_800) @Schema(description = "seconds a run may take before it is stopped and failed (default: no limit)") Integer timeLimitSeconds,
        @Nullable @Pattern(regexp = JobRequests.LANGUAGE_CODE) @Schema(description = "translation only: the source "
                + "language code (e.g. en), which picks the model's task prefix when it translates several ways")
        String sourceLanguage,
        @Nullable @Pattern(regexp = JobRequests.LANGUAGE_CODE) @Schema(description = "translation only: the target "
                + "language code (e.g. de)") String targetLanguage) {
}
