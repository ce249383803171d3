package io.modelcat.catalog.predict.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.predict.PredictRequest;
import io.modelcat.catalog.predict.PredictService;
import io.modelcat.catalog.problem.Problem;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.ProblemResponses;
import io.modelcat.catalog.problem.http.RequestIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.List;

/** HTTP adapter of sample inference: {@code POST /api/v1/models/{id}/predict}. */
@Controller("/api/v1/models")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "Models")
public class PredictController {

    private final PredictService predictions;

    public PredictController(PredictService predictions) {
        this.predictions = predictions;
    }

    @Post("/{id}/predict")
    @Operation(summary = "Try a model on one input",
            description = "Runs the input through the model's newest (or the given) version on a runner and answers "
                    + "with the job, whose result holds the prediction. 504 if it is still running after the wait "
                    + "(follow the job); 422 if the model could not answer (the job's error says why).")
    @ApiResponse(responseCode = "200", description = "the finished job; its result holds the prediction",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @ApiResponse(responseCode = "422", description = "the model could not answer: the job's error says why",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "504", description = "still running after modelcat.predict.wait: follow the job",
            content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> predict(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id, @Body @Valid PredictRequest request,
                                   @RequestAttribute(AccessFilter.CALLER) Caller caller) throws InterruptedException {
        PredictService.Outcome outcome = predictions.predict(RequestIds.parse("id", id), request, caller);
        JobView job = outcome.job();
        if (!outcome.finished()) {
            return ProblemResponses.of(HttpStatus.GATEWAY_TIMEOUT, "The prediction is still running as job " + job.id()
                    + "; follow it at /api/v1/jobs/" + job.id(), null, List.of());
        }
        if (!"succeeded".equals(job.state())) {
            return ProblemResponses.of(HttpStatus.UNPROCESSABLE_ENTITY, "The model could not answer: " + job.error()
                    + " (job " + job.id() + ")", null, List.of());
        }
        return HttpResponse.ok(job);
    }
}
