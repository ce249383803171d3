package io.modelcat.catalog.deploy.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.deploy.DeploymentLogView;
import io.modelcat.catalog.deploy.EndpointMetrics;
import io.modelcat.catalog.deploy.EndpointRequests;
import io.modelcat.catalog.deploy.EndpointService;
import io.modelcat.catalog.deploy.EndpointView;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

/** Online endpoints and their deployments: {@code /api/v1/endpoints} (docs/deployments.md). */
@Controller("/api/v1/endpoints")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Endpoints", description = "Deploy models behind online endpoints that applications call")
public class EndpointController {

    private final EndpointService endpoints;

    public EndpointController(EndpointService endpoints) {
        this.endpoints = endpoints;
    }

    /** Where callers reach this service, for the endpoints' scoring URLs: the address this request was sent to. */
    static String baseUrl(HttpRequest<?> request) {
        String host = request.getHeaders().get("Host");
        return (request.isSecure() ? "https://" : "http://") + (host == null ? "localhost" : host);
    }

    @Get
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "List online endpoints with their deployments")
    public EndpointView.Endpoints list(HttpRequest<?> request) {
        return endpoints.list(baseUrl(request));
    }

    @Post
    @Status(HttpStatus.CREATED)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Create an online endpoint", description = "Answers the endpoint and, in key mode, its two keys "
            + "(shown again by GET .../keys only when MODELCAT_SECRET_KEY is set). 409 if the name is taken.")
    public HttpResponse<EndpointService.Created> create(@Body @Valid EndpointRequests.CreateEndpoint body,
                                                        HttpRequest<?> request,
                                                        @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return HttpResponse.created(endpoints.create(body, baseUrl(request), caller));
    }

    @Get("/{name}")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "One endpoint with its deployments and their instances")
    public EndpointView get(@PathVariable String name, HttpRequest<?> request) {
        return endpoints.get(name, baseUrl(request));
    }

    @Delete("/{name}")
    @RequiresRole(Role.CONTRIBUTOR)
    @Status(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete an endpoint, its deployments and keys")
    public void delete(@PathVariable String name, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        endpoints.delete(name, caller);
    }

    @Get("/{name}/keys")
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "The endpoint's keys", description = "409 when they cannot be shown again (no MODELCAT_SECRET_KEY)")
    public EndpointView.Keys keys(@PathVariable String name) {
        return endpoints.keys(name);
    }

    @Post("/{name}/keys/regenerate")
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Make a key anew", description = "The old key stops working at once. Answers the keys "
            + "(the other one only when it can be shown again).")
    public EndpointView.Keys regenerate(@PathVariable String name, @Body @Valid EndpointRequests.RegenerateKey body,
                                        @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return endpoints.regenerate(name, body, caller);
    }

    @Put("/{name}/traffic")
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Set the traffic map", description = "Percent per deployment, summing to 0 or 100; "
            + "deployments not named get 0.")
    public EndpointView traffic(@PathVariable String name, @Body @Valid EndpointRequests.SetTraffic body,
                                HttpRequest<?> request, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return endpoints.setTraffic(name, body, baseUrl(request), caller);
    }

    @Put("/{name}/mirror")
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Mirror a share of the calls to one deployment", description = "Up to 50% of the calls that the "
            + "traffic map sends elsewhere are copied to it in the background, its answers dropped; {} stops it.")
    public EndpointView mirror(@PathVariable String name, @Body @Valid EndpointRequests.SetMirror body,
                               HttpRequest<?> request, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return endpoints.setMirror(name, body, baseUrl(request), caller);
    }

    @Get("/{name}/metrics")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "What each deployment answered, by minute", description = "Calls, calls per second, server "
            + "errors, 429s, mirrored copies and latency percentiles over the last minutes (default 15, at most 1440), "
            + "summed over every catalog service; counts reach it within seconds.")
    public EndpointMetrics metrics(@PathVariable String name, @Nullable @QueryValue("minutes") Integer minutes) {
        return endpoints.metrics(name, minutes);
    }

    @Get("/{name}/deployments/{deployment}/logs")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "What happened to a deployment's instances", description = "Placed, loading, ready (with the "
            + "load time), failed (why), retired, removed with a runner that stopped answering, and calls that failed "
            + "on a runner; oldest first. Without 'after', the newest 'limit' lines (default 200, at most 1000); with "
            + "it, the lines after that id (send the answer's lastId to follow the log).")
    public DeploymentLogView logs(@PathVariable String name, @PathVariable String deployment,
                                  @Nullable @QueryValue("after") Long after, @Nullable @QueryValue("limit") Integer limit) {
        return endpoints.logs(name, deployment, after, limit);
    }

    @Post("/{name}/deployments")
    @Status(HttpStatus.CREATED)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Deploy a model version or a prompt flow in the endpoint", description = "A model's instances "
            + "are placed on live runners and become ready when their runner has loaded the model. A flow deployment "
            + "(flow, variants) is ready at once: the catalog service runs its copy of the flow for each call, its LLM "
            + "calls made as its creator (docs/flows.md). An endpoint serves models or flows, not both (409). The first "
            + "deployment of an endpoint without traffic receives 100%.")
    public HttpResponse<EndpointView.Deployment> createDeployment(
            @PathVariable String name, @Body @Valid EndpointRequests.CreateDeployment body, HttpRequest<?> request,
            @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return HttpResponse.created(endpoints.createDeployment(name, body, baseUrl(request), caller));
    }

    @Patch("/{name}/deployments/{deployment}")
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Change a deployment", description = "Another version of its model (its instances replace the "
            + "current ones once they are ready, so calls never find none), its number of instances, or its limits; "
            + "a flow deployment's flow version (redeployFlow: the one saved now), variants or limits.")
    public EndpointView.Deployment updateDeployment(@PathVariable String name, @PathVariable String deployment,
                                                    @Body @Valid EndpointRequests.UpdateDeployment body,
                                                    HttpRequest<?> request,
                                                    @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return endpoints.updateDeployment(name, deployment, body, baseUrl(request), caller);
    }

    @Delete("/{name}/deployments/{deployment}")
    @RequiresRole(Role.CONTRIBUTOR)
    @Status(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a deployment", description = "409 while it receives traffic")
    public void deleteDeployment(@PathVariable String name, @PathVariable String deployment,
                                 @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        endpoints.deleteDeployment(name, deployment, caller);
    }
}
