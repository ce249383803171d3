package io.modelcat.catalog.importing.http;

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
import io.modelcat.catalog.importing.ImportRequest;
import io.modelcat.catalog.importing.ImportService;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;

/** HTTP adapter of Hugging Face imports: {@code /api/v1/imports}. */
@Controller("/api/v1/imports")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "Imports", description = "Import Hugging Face models by MODEL_ID")
public class ImportController {

    private final ImportService imports;

    public ImportController(ImportService imports) {
        this.imports = imports;
    }

    @Post
    @Status(HttpStatus.ACCEPTED)
    @Operation(summary = "Import a Hugging Face model",
            description = "Starts an import job and answers 202 with it; follow its progress at /api/v1/jobs/{id}. "
                    + "The job creates or refreshes the model card and adds a version for the Hub revision.")
    public HttpResponse<JobView> submit(@Body @Valid ImportRequest request, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        JobView job = imports.submit(request, caller);
        return HttpResponse.accepted(URI.create("/api/v1/jobs/" + job.id())).body(job);
    }
}
