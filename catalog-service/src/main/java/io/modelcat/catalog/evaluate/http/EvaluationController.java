package io.modelcat.catalog.evaluate.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.evaluate.EvaluationRequest;
import io.modelcat.catalog.evaluate.EvaluationService;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;

/** HTTP adapter of evaluations: {@code /api/v1/evaluations}. */
@Controller("/api/v1/evaluations")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "Evaluations", description = "Measure a model version on your own test data")
public class EvaluationController {

    private final EvaluationService evaluations;

    public EvaluationController(EvaluationService evaluations) {
        this.evaluations = evaluations;
    }

    @Post
    @Status(HttpStatus.ACCEPTED)
    @Operation(summary = "Evaluate a model on a dataset",
            description = "Checks the model version, task, dataset and column mapping, then starts an evaluate job and "
                    + "answers 202 with it. Its metrics and sample predictions appear at /api/v1/jobs/{id}/metrics and "
                    + "/api/v1/jobs/{id}/predictions.")
    public HttpResponse<JobView> submit(@Body @Valid EvaluationRequest request, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        JobView job = evaluations.submit(request, caller);
        return HttpResponse.accepted(URI.create("/api/v1/jobs/" + job.id())).body(job);
    }
}
