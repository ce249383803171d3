package io.modelcat.catalog.model.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.RequestBean;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.model.CatalogReads;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelPage;
import io.modelcat.catalog.model.ModelRequests;
import io.modelcat.catalog.model.ModelService;
import io.modelcat.catalog.model.ModelVersion;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.RequestIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.inject.Named;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/** HTTP adapter of the model catalog: {@code /api/v1/models}. */
@Controller("/api/v1/models")
@RequiresRole(Role.VIEWER)
@ProblemAnswers
@Tag(name = "Models", description = "Model cards, their versions and lineage")
public class ModelController {

    private final ModelService models;
    private final ExecutorService reads;
    private final ExecutorService searches;

    public ModelController(ModelService models, @Named(CatalogReads.NAME) ExecutorService reads,
                           @Named(CatalogReads.SEARCHES) ExecutorService searches) {
        this.models = models;
        this.reads = reads;
        this.searches = searches;
    }

    /**
     * A page served moments ago is answered at once; any other is read from the database by {@link CatalogReads}, a
     * search's in the searches' lane.
     */
    @Get
    @Operation(summary = "List model cards",
            description = "Filters take several values (any matches); different filters must all match. "
                    + "Each card comes as a summary: the description's excerpt instead of the description and samples "
                    + "(GET /api/v1/models/{id} gives the whole card). "
                    + "Pages continue with the returned nextCursor. Pages are reused for up to "
                    + "modelcat.catalog.list-cache-ttl (2 s) unless a card changed (any catalog service's or runner's change clears them).")
    public CompletableFuture<ModelPage> list(@RequestBean ListParameters parameters) {
        ModelService.ListRequest request = parameters.validate(models);
        return models.recentPage(request).map(CompletableFuture::completedFuture)
                .orElseGet(() -> CompletableFuture.supplyAsync(() -> models.list(request),
                        request.query().searches() ? searches : reads));
    }

    @Post
    @Status(HttpStatus.CREATED)
    @ExecuteOn(TaskExecutors.BLOCKING)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Create a model card")
    @ApiResponse(responseCode = "201", description = "created")
    public HttpResponse<ModelCard> create(@Body @Valid ModelRequests.Create request, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        ModelCard card = models.create(request, caller);
        return HttpResponse.created(card, URI.create("/api/v1/models/" + card.summary().id()));
    }

    @Get("/{id}")
    @ExecuteOn(CatalogReads.NAME)
    @Operation(summary = "Read a model card")
    public ModelCard get(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id) {
        return models.get(RequestIds.parse("id", id));
    }

    @Patch("/{id}")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Change a model card",
            description = "Send the version you read; a card changed since answers 409, and so does a hosted model's card "
                    + "(source type connection): its LLM connection writes it.")
    public ModelCard update(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id, @Body @Valid ModelRequests.Update request, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return models.update(RequestIds.parse("id", id), request, caller);
    }

    @Delete("/{id}")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Status(HttpStatus.NO_CONTENT)
    @RequiresRole(Role.ADMIN)
    @Operation(summary = "Delete a model card and its versions", description = "Admins only. Refused (409) while a job uses it, and for a "
            + "hosted model's card (source type connection): it goes with its LLM connection or allowed model.")
    public void delete(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        models.delete(RequestIds.parse("id", id), caller);
    }

    @Get("/{id}/versions")
    @ExecuteOn(CatalogReads.NAME)
    @Operation(summary = "List the versions of a model, oldest first")
    public List<ModelVersion> versions(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id) {
        return models.versions(RequestIds.parse("id", id));
    }

    @Post("/{id}/versions")
    @Status(HttpStatus.CREATED)
    @ExecuteOn(TaskExecutors.BLOCKING)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Add the next version of a model",
            description = "Refused (409) for a hosted model's card (source type connection): it has no files here.")
    public HttpResponse<ModelVersion> addVersion(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id,
                                                 @Body @Valid ModelRequests.CreateVersion request, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        ModelVersion version = models.addVersion(RequestIds.parse("id", id), request, caller);
        return HttpResponse.created(version,
                URI.create("/api/v1/models/" + version.modelId() + "/versions/" + version.versionNumber()));
    }
}
