package io.modelcat.catalog.register.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.RequestIds;
import io.modelcat.catalog.register.RegisterRequest;
import io.modelcat.catalog.register.RegistrationService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;

/** HTTP adapter of registering a fine-tuned model: {@code POST /api/v1/jobs/{id}/register}. */
@Controller("/api/v1/jobs")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "Jobs")
public class RegisterController {

    private final RegistrationService registrations;

    public RegisterController(RegistrationService registrations) {
        this.registrations = registrations;
    }

    @Post("/{id}/register")
    @Status(HttpStatus.CREATED)
    @Operation(summary = "Register a fine-tuned model",
            description = "Adds the output of a succeeded finetune job to the catalog: a new model (source finetuned, "
                    + "licence of the base model unless given), or with modelId the next version of that model. The "
                    + "version's lineage names the job, base version, datasets, hyperparameters and test metrics. "
                    + "A job is registered once; again answers 409. Only the job's submitter or an admin may.")
    @ApiResponse(responseCode = "201", description = "registered")
    public HttpResponse<ModelCard> register(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id, @Body @Valid RegisterRequest request,
                                            @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        ModelCard card = registrations.register(RequestIds.parse("id", id), request, caller);
        return HttpResponse.created(card, URI.create("/api/v1/models/" + card.summary().id()));
    }
}
