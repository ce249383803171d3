package io.modelcat.catalog.batch.http;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.http.server.types.files.SystemFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.batch.BatchEndpointRequests;
import io.modelcat.catalog.batch.BatchEndpointService;
import io.modelcat.catalog.batch.BatchEndpointView;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.RequestIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.nio.file.Path;

/** Batch endpoints, their deployments and invocations: {@code /api/v1/batch-endpoints} (docs/deployments.md). */
@Controller("/api/v1/batch-endpoints")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Batch endpoints", description = "Score datasets with catalog models as jobs, in mini-batches")
public class BatchEndpointController {

    private final BatchEndpointService endpoints;

    public BatchEndpointController(BatchEndpointService endpoints) {
        this.endpoints = endpoints;
    }

    @Get
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "List batch endpoints with their deployments")
    public BatchEndpointView.Endpoints list() {
        return endpoints.list();
    }

    @Post
    @Status(HttpStatus.CREATED)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Create a batch endpoint", description = "409 if the name is taken")
    public HttpResponse<BatchEndpointView> create(@Body @Valid BatchEndpointRequests.CreateEndpoint body,
                                                  @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        BatchEndpointView made = endpoints.create(body, caller);
        return HttpResponse.created(made, URI.create("/api/v1/batch-endpoints/" + made.name()));
    }

    @Get("/{name}")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "One batch endpoint with its deployments")
    public BatchEndpointView get(@PathVariable String name) {
        return endpoints.get(name);
    }

    @Delete("/{name}")
    @RequiresRole(Role.CONTRIBUTOR)
    @Status(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a batch endpoint and its deployments", description = "Its jobs stay in the job list. "
            + "409 while one of them is queued or running.")
    public void delete(@PathVariable String name, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        endpoints.delete(name, caller);
    }

    @Post("/{name}/deployments")
    @Status(HttpStatus.CREATED)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Deploy a model version in a batch endpoint", description = "The model needs files and a task "
            + "the runners predict. The endpoint's first deployment becomes its default.")
    public HttpResponse<BatchEndpointView.Deployment> createDeployment(
            @PathVariable String name, @Body @Valid BatchEndpointRequests.CreateDeployment body,
            @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return HttpResponse.created(endpoints.createDeployment(name, body, caller));
    }

    @Patch("/{name}/deployments/{deployment}")
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Change a deployment's model version or instance count",
            description = "What is left out stays; invocations submitted before keep what they had.")
    public BatchEndpointView.Deployment updateDeployment(@PathVariable String name, @PathVariable String deployment,
                                                         @Body @Valid BatchEndpointRequests.UpdateDeployment body,
                                                         @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return endpoints.updateDeployment(name, deployment, body, caller);
    }

    @Delete("/{name}/deployments/{deployment}")
    @RequiresRole(Role.CONTRIBUTOR)
    @Status(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a deployment", description = "409 for the default while there are others")
    public void deleteDeployment(@PathVariable String name, @PathVariable String deployment,
                                 @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        endpoints.deleteDeployment(name, deployment, caller);
    }

    @Put("/{name}/default-deployment")
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Choose the deployment that invocations run when they name none")
    public BatchEndpointView setDefault(@PathVariable String name, @Body @Valid BatchEndpointRequests.SetDefault body,
                                        @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return endpoints.setDefault(name, body, caller);
    }

    @Post("/{name}/jobs")
    @Status(HttpStatus.ACCEPTED)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Invoke: score a dataset", description = "Checks the deployment, the dataset, the input "
            + "columns and the sizes, and answers 202 with the queued batch-score job (follow it at /api/v1/jobs/{id}).")
    public HttpResponse<BatchEndpointView.Job> invoke(@PathVariable String name,
                                                      @Body @Valid BatchEndpointRequests.Invoke body,
                                                      @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        BatchEndpointView.Job job = endpoints.invoke(name, body, caller);
        return HttpResponse.accepted(URI.create("/api/v1/jobs/" + job.job().id())).body(job);
    }

    @Get("/{name}/jobs")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "The endpoint's invocations, newest first (the latest 50)")
    public BatchEndpointView.Jobs jobs(@PathVariable String name) {
        return endpoints.jobs(name);
    }

    @Get("/{name}/jobs/{id}")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "One invocation: its job, progress and outputs")
    public BatchEndpointView.Job job(@PathVariable String name, @PathVariable @Parameter(schema = @Schema(format = "uuid")) String id) {
        return endpoints.job(name, RequestIds.parse("id", id));
    }

    @Get(value = "/{name}/jobs/{id}/outputs/{file}", produces = {"text/csv", "application/x-ndjson"})
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Download predictions.csv or predictions.jsonl", description = "Streamed; 404 until the job "
            + "has succeeded. predictions.csv has no header: row number in the file, prediction, input file name.")
    public HttpResponse<SystemFile> output(@PathVariable String name, @PathVariable @Parameter(schema = @Schema(format = "uuid")) String id,
                                           @PathVariable String file) {
        Path path = endpoints.output(name, RequestIds.parse("id", id), file);
        MediaType type = file.endsWith(".csv") ? MediaType.of("text/csv") : MediaType.of("application/x-ndjson");
        return HttpResponse.ok(new SystemFile(path.toFile(), type))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"");
    }
}
