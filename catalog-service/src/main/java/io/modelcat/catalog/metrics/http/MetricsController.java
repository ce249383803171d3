package io.modelcat.catalog.metrics.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.metrics.JobMetrics;
import io.modelcat.catalog.metrics.LeaderboardRow;
import io.modelcat.catalog.metrics.MetricsService;
import io.modelcat.catalog.metrics.ModelMetric;
import io.modelcat.catalog.metrics.PredictionSample;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.RequestIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;

/** HTTP adapter of job results: a job's metrics and predictions, a model's scores, leaderboards. */
@Controller("/api/v1")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.VIEWER)
@Tag(name = "Metrics", description = "What evaluate and fine-tune jobs measured, side by side")
public class MetricsController {

    private static final String CSV = "text/csv";

    private final MetricsService metrics;

    public MetricsController(MetricsService metrics) {
        this.metrics = metrics;
    }

    @Get("/jobs/{id}/metrics")
    @Operation(summary = "A job's metrics",
            description = "final: figures at the end per split (e.g. test accuracy); series: per step (train loss, "
                    + "learning_rate, samples_per_second) and per epoch (validation metrics), in recorded order.")
    public JobMetrics jobMetrics(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id) {
        return metrics.jobMetrics(RequestIds.parse("id", id));
    }

    @Get(value = "/jobs/{id}/predictions", produces = {MediaType.APPLICATION_JSON, CSV})
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "An evaluation's sample predictions",
            description = "The first rows with their inputs, expected and predicted values, as JSON, or as a CSV "
                    + "download with Accept: text/csv or ?format=csv. They hold rows of the data, so viewers may not read them.")
    @ApiResponse(responseCode = "200", description = "the sample rows, as JSON or CSV", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, array = @ArraySchema(schema = @Schema(implementation = PredictionSample.class))),
            @Content(mediaType = CSV, schema = @Schema(type = "string"))})
    public HttpResponse<?> predictions(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id,
                                       @Parameter(description = "json (default) or csv") @Nullable @QueryValue("format") String format,
                                       @Nullable @Header(HttpHeaders.ACCEPT) String accept) {
        UUID jobId = RequestIds.parse("id", id);
        boolean asCsv;
        if (format != null && !format.isBlank()) {
            if (!format.equals("csv") && !format.equals("json")) {
                throw new InvalidFieldException("format", "must be json or csv, got '" + format + "'");
            }
            asCsv = format.equals("csv");
        } else {
            // The first media type the client lists is the one it prefers.
            asCsv = accept != null && accept.strip().startsWith(CSV);
        }
        if (!asCsv) {
            List<PredictionSample> rows = metrics.predictions(jobId);
            return HttpResponse.ok(rows).contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        return HttpResponse.ok(metrics.predictionsCsv(jobId))
                .contentType(CSV + "; charset=utf-8")
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"predictions-" + jobId + ".csv\"");
    }

    @Get("/models/{id}/metrics")
    @Operation(summary = "A model's test metrics",
            description = "The final test figures of every job on any version of the model, with the dataset and task.")
    public List<ModelMetric> modelMetrics(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id) {
        return metrics.modelMetrics(RequestIds.parse("id", id));
    }

    @Get("/leaderboard")
    @Operation(summary = "Rank model versions on a dataset and task by a metric",
            description = "One row per model version (its latest job), best first: descending, or ascending for "
                    + "perplexity and losses. Each row carries all the job's final test metrics. A finetune job "
                    + "counts once its model is registered.")
    public List<LeaderboardRow> leaderboard(
            @Parameter(description = "dataset id (required)") @Nullable @QueryValue("datasetId") String datasetId,
            @Parameter(description = "task (required)") @Nullable @QueryValue("task") String task,
            @Parameter(description = "metric name, e.g. accuracy (required)") @Nullable @QueryValue("metric") String metric,
            @Parameter(description = "1 to 500 (default 50)") @Nullable @QueryValue("limit") Integer limit) {
        UUID dataset = datasetId == null || datasetId.isBlank() ? null : RequestIds.parse("datasetId", datasetId);
        return metrics.leaderboard(dataset, task, metric, limit);
    }
}
