package io.modelcat.catalog.secret.http;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.secret.SecretService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

/** Secrets, for admins: set and remove, never read back. {@code /api/v1/secrets}. */
@Controller("/api/v1/secrets")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.ADMIN)
@Tag(name = "Secrets", description = "Credentials the system uses for its users, such as the Hugging Face token")
public class SecretController {

    private final SecretService secrets;

    public SecretController(SecretService secrets) {
        this.secrets = secrets;
    }

    @Get
    @Operation(summary = "List secrets: names, who set them and when; never values")
    public SecretService.Secrets list() {
        return secrets.list();
    }

    @Put("/{name}")
    @Operation(summary = "Set a secret", description = "huggingface-token is sent to the Hub by imports (instead of the "
            + "runners' HF_TOKEN). Encrypted with MODELCAT_SECRET_KEY; 409 while no key is configured.")
    public SecretService.SecretView set(@PathVariable String name, @Body @Valid SecretService.SetSecret body,
                                        @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return secrets.set(name, body, caller);
    }

    @Delete("/{name}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove a secret")
    public void delete(@PathVariable String name, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        secrets.delete(name, caller);
    }
}
