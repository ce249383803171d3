package io.modelcat.catalog.flow;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.jobs.flow.EvaluationMethod;
import io.modelcat.jobs.flow.FlowStep;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the flow and bulk-test endpoints read (docs/flows.md). */
public final class FlowRequests {

    private FlowRequests() {
    }

    /** A flow to save: its name (on creation) and definition. */
    @Serdeable
    @Schema(name = "SaveFlow")
    public record SaveFlow(
            @Nullable @Schema(description = "letters, digits, '_' and '-' (at most 63); required on creation") String name,
            @Nullable String description,
            @Nullable @Schema(description = "the names templates use for a row's values") List<String> inputs,
            @Nullable @Schema(description = "the steps in order; a step's templates see the inputs and earlier steps' "
                    + "outputs by name") List<FlowStep> steps) {
    }

    /** One row run interactively. */
    @Serdeable
    @Schema(name = "RunFlowRow")
    public record RunRow(
            @Nullable @Schema(description = "each input's value") Map<String, String> inputs,
            @Nullable @Schema(description = "the variant of each step (a step not named runs its first)")
            Map<String, String> variants) {
    }

    /** A bulk test to run. */
    @Serdeable
    @Schema(name = "CreateBulkTest")
    public record CreateBulkTest(
            @Nullable @Schema(description = "the saved flow's name") String flow,
            @Nullable UUID datasetId,
            @Nullable @Schema(description = "each flow input's dataset column (an input not named reads the column of "
                    + "its name)") Map<String, String> inputColumns,
            @Nullable @Schema(description = "the step whose variants are compared (each over every row)") String variantStep,
            @Nullable @Schema(description = "the variants of variantStep that run (default: all)") List<String> variants,
            @Nullable Integer concurrency,
            @Nullable Integer errorThreshold,
            @Nullable List<EvaluationMethod> evaluations,
            @Nullable Integer priority) {
    }

    /** Evaluation methods to (re-)apply to a bulk test's rows. */
    @Serdeable
    @Schema(name = "EvaluateBulkTest")
    public record Evaluate(@Nullable List<EvaluationMethod> evaluations) {
    }
}
