package io.modelcat.catalog.flow;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.job.JobView;
import io.modelcat.jobs.flow.EvaluationMethod;
import io.modelcat.jobs.flow.FlowExecution;
import io.modelcat.jobs.flow.FlowStep;
import io.modelcat.jobs.spec.BulkTestResult;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A bulk test as the API shows it: what was asked, its newest job, the rows answered so far and its metrics. */
@Serdeable
@Schema(name = "BulkTest")
public record BulkTestView(UUID id, String flowName, UUID datasetId,
                           @Schema(description = "the flow's inputs and steps as the test runs them (a copy)")
                           List<String> inputs, List<FlowStep> steps,
                           @Nullable String variantStep,
                           @Schema(description = "the runs compared: variants of variantStep, or 'default'") List<String> runs,
                           Map<String, String> inputColumns, int concurrency, int errorThreshold,
                           List<EvaluationMethod> evaluations,
                           @Schema(description = "the newest job (a later one re-applies evaluation methods)") JobView job,
                           @Schema(description = "rows answered so far, per run") Map<String, Long> answered,
                           @Nullable @Schema(description = "the newest job's figures, once it has evaluated")
                           BulkTestResult result,
                           String createdBy, Instant createdAt) {

    @Serdeable
    @Schema(name = "BulkTests")
    public record BulkTests(List<BulkTestView> items) {
    }

    /** One row's answer in one run, with its scores and estimated cost (absent without a price). */
    @Serdeable
    @Schema(name = "BulkTestRow")
    public record Row(String variant, int row, Map<String, String> inputs, Map<String, String> outputs,
                      List<FlowExecution.StepResult> steps, @Nullable String error, long latencyMillis,
                      long promptTokens, long completionTokens, @Nullable Double costUsd, Map<String, Double> scores) {
    }

    @Serdeable
    @Schema(name = "BulkTestRows")
    public record Rows(List<Row> items, int offset, int limit) {
    }
}
