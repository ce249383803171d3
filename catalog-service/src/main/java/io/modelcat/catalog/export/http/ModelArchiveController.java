package io.modelcat.catalog.export.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.export.ModelArchive;
import io.modelcat.catalog.export.ModelArchiveService;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.RequestIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;

/** HTTP adapter of model export: a version's files as a zip download. */
@Controller("/api/v1/models")
@ProblemAnswers
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "Models")
public class ModelArchiveController {

    private final ModelArchiveService archives;

    public ModelArchiveController(ModelArchiveService archives) {
        this.archives = archives;
    }

    @Get(value = "/{id}/versions/{versionNumber}/archive", produces = ArchiveDownload.ZIP)
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(summary = "Download a model version's files as a zip",
            description = "The version's artifact folder in Hugging Face layout (config.json, tokenizer files, "
                    + "safetensors weights), streamed. 404 for an unknown model or version; 409 when the version "
                    + "has no local files.")
    public HttpResponse<Flux<byte[]>> archive(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id, @PathVariable String versionNumber,
                                              @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        int number;
        try {
            number = Integer.parseInt(versionNumber);
        } catch (NumberFormatException e) {
            throw new InvalidFieldException("versionNumber", "must be a whole number, got '" + versionNumber + "'");
        }
        ModelArchive archive = archives.prepare(RequestIds.parse("id", id), number, caller);
        return ArchiveDownload.of(archive);
    }
}
