package io.modelcat.catalog.job;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.Map;
import java.util.UUID;

/** Request bodies of the job API. */
public final class JobRequests {

    private JobRequests() {
    }

    /** A language code as task_specific_params name them (en, de, pt_br, zh-Hant): translation's languages. */
    public static final String LANGUAGE_CODE = "[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?";

    /** The device a job needs; {@code cpu} when absent. */
    @Serdeable
    public record DeviceInput(
            @NotBlank @Pattern(regexp = "cpu|gpu", message = "must be cpu or gpu") String kind,
            @Nullable @Min(1) @Max(8) Integer count) {
    }

    /** A new job. */
    @Serdeable
    @Schema(name = "SubmitJobRequest")
    public record Submit(
            @NotBlank @Schema(description = "noop (more kinds come with their own endpoints)") String kind,
            @Nullable UUID modelId,
            @Nullable @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> params,
            @Nullable @Valid DeviceInput device,
            @Nullable @Min(0) @Max(9) @Schema(description = "0 (default) to 9; higher runs first") Integer priority,
            @Nullable @Min(1) @Max(10) @Schema(description = "attempts for transient failures (default 3)") Integer maxAttempts,
            @Nullable @Min(1) @Max(604_800) @Schema(description = "seconds a run may take before it is stopped and failed (default: no limit)") Integer timeLimitSeconds) {
    }
}
