package io.modelcat.catalog.flow;

import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.jobs.flow.EvaluationCatalog;
import io.modelcat.jobs.flow.FlowExecution;
import io.modelcat.jobs.flow.FlowStep;
import io.modelcat.store.flow.PromptFlows;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A saved flow as the API shows it. */
@Serdeable
@Schema(name = "Flow")
public record FlowView(String name, String description, List<String> inputs, List<FlowStep> steps,
                       @Schema(description = "how many times it was saved") int version, String createdBy,
                       Instant createdAt, String updatedBy, Instant updatedAt) {

    static FlowView of(PromptFlows.FlowRow row) {
        return new FlowView(row.name(), row.flow().description(), row.flow().inputs(), row.flow().steps(), row.version(),
                row.createdBy(), row.createdAt(), row.updatedBy(), row.updatedAt());
    }

    @Serdeable
    @Schema(name = "Flows")
    public record Flows(List<FlowView> items) {
    }

    /** The evaluation methods and the judge's aspects, as {@code GET /api/v1/evaluation-methods} lists them. */
    @Serdeable
    @Schema(name = "EvaluationMethods")
    public record EvaluationMethods(List<EvaluationCatalog.Method> methods, List<EvaluationCatalog.Aspect> aspects) {
    }

    /** What running one row gave. */
    @Serdeable
    @Schema(name = "FlowRowResult")
    public record RowResult(
            @Schema(description = "each step's output by its name, and 'output' (the last step's)") Map<String, String> outputs,
            List<FlowExecution.StepResult> steps,
            @Schema(description = "why the row stopped, null when every step ran") String error,
            String failedStep, long promptTokens, long completionTokens, long latencyMillis,
            @Schema(description = "the estimated cost in USD; absent when no step's connection has a price")
            Double costUsd) {

        static RowResult of(FlowExecution.RowResult r) {
            return new RowResult(r.outputs(), r.steps(), r.error(), r.failedStep(), r.promptTokens(),
                    r.completionTokens(), r.latencyMillis(), r.costUsd());
        }
    }
}
