package io.modelcat.catalog.finetune.http;

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
import io.modelcat.catalog.finetune.FinetuneRequest;
import io.modelcat.catalog.finetune.FinetuneService;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;

/** HTTP adapter of fine-tuning: {@code /api/v1/finetunes}. */
@Controller("/api/v1/finetunes")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "Fine-tuning", description = "Fine-tune a model version on your own training data")
public class FinetuneController {

    private final FinetuneService finetunes;

    public FinetuneController(FinetuneService finetunes) {
        this.finetunes = finetunes;
    }

    @Post
    @Status(HttpStatus.ACCEPTED)
    @Operation(summary = "Fine-tune a model",
            description = "Checks the model version, task, datasets, column mapping and hyperparameters (absent ones take "
                    + "their defaults), then starts a finetune job and answers 202 with it. When it has succeeded, "
                    + "register its output with POST /api/v1/jobs/{id}/register.")
    public HttpResponse<JobView> submit(@Body @Valid FinetuneRequest request, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        JobView job = finetunes.submit(request, caller);
        return HttpResponse.accepted(URI.create("/api/v1/jobs/" + job.id())).body(job);
    }
}
