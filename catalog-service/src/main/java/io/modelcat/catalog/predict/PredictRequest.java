package io.modelcat.catalog.predict;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.job.JobRequests;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;

/** One sample input for a model card's "try it", in the fields its task needs. */
@Serdeable
@Schema(name = "PredictRequest")
public record PredictRequest(
        @Nullable @Min(1) Integer versionNumber,
        @Nullable @Size(max = 10_000) @Schema(description = "the text (classification, tagging, fill-mask with its mask token, generation prompt)") String text,
        @Nullable @Size(max = 10_000) @Schema(description = "second text of a sentence pair") String text2,
        @Nullable @Size(max = 2_000) String question,
        @Nullable @Size(max = 20_000) String context,
        @Nullable @Valid Generation generation,
        @Nullable @Min(1) @Max(50) @Schema(description = "fill-mask: candidates per mask (default 5)") Integer topK,
        @Nullable @Valid JobRequests.DeviceInput device) {

    /**
     * Text-generation settings: sampling when a temperature, top-k or top-p is given, else what the model's
     * generation config says (greedy when it says nothing).
     */
    @Serdeable
    public record Generation(
            @Nullable @Min(1) @Max(256) Integer maxNewTokens,
            @Nullable @DecimalMin(value = "0", inclusive = false) @DecimalMax("5") Double temperature,
            @Nullable @Min(1) @Max(1000) Integer topK,
            @Nullable @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Double topP,
            @Nullable Long seed,
            @Nullable @DecimalMin(value = "0", inclusive = false) @DecimalMax("10")
            @Schema(description = "transformers' repetition penalty: 1 is none, above 1 discourages repeated tokens")
            Double repetitionPenalty,
            @Nullable @Size(max = 4) @Schema(description = "up to 4 strings; the generation ends before the first")
            List<@NotBlank @Size(max = 100) String> stop) {
    }
}
