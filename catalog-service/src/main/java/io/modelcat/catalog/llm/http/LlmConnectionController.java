package io.modelcat.catalog.llm.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.llm.ConnectionRequests;
import io.modelcat.catalog.llm.ConnectionService;
import io.modelcat.catalog.llm.ConnectionView;
import io.modelcat.catalog.llm.LlmMesh;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.QueryNumbers;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** LLM connections and the mesh's usage: {@code /api/v1/llm} (docs/llm.md). */
@Controller("/api/v1/llm")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "LLM connections", description = "Connections to hosted LLM APIs and to ModelCat's own endpoints, "
        + "used through the LLM mesh")
public class LlmConnectionController {

    private static final int MAX_USAGE_ROWS = 1000;

    private final ConnectionService connections;
    private final LlmMesh mesh;

    public LlmConnectionController(ConnectionService connections, LlmMesh mesh) {
        this.connections = connections;
        this.mesh = mesh;
    }

    @Get("/connections")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "List LLM connections; keys are never returned, only whether one is set")
    @ApiResponse(responseCode = "200", description = "the connections")
    public ConnectionView.Connections list() {
        return connections.list();
    }

    @Get("/connections/{name}")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "One LLM connection")
    @ApiResponse(responseCode = "200", description = "the connection")
    public ConnectionView get(@PathVariable String name) {
        return connections.get(name);
    }

    @Post("/connections")
    @Status(HttpStatus.CREATED)
    @RequiresRole(Role.ADMIN)
    @Operation(summary = "Create an LLM connection", description = "kind openai-compatible (baseUrl required), openai, "
            + "anthropic, mistral, gemini, cohere (baseUrl defaults to their public APIs), azure-openai (baseUrl: the "
            + "resource, and apiVersion required), bedrock (region and accessKeyId required; apiKey is the secret "
            + "access key, which signs each call with SigV4), vertex (project and location required; apiKey is the "
            + "service account key's JSON, which mints access tokens): apiKey (stored encrypted with "
            + "MODELCAT_SECRET_KEY; 409 while none is configured), headers; modelcat: endpoint. Every kind: allowedModels, maxConcurrent, requestsPerMinute, "
            + "prices. 409 if the name is taken.")
    @ApiResponse(responseCode = "201", description = "created")
    public HttpResponse<ConnectionView> create(@Body @Valid ConnectionRequests.CreateConnection body,
                                               @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return HttpResponse.created(connections.create(body, caller));
    }

    @Patch("/connections/{name}")
    @RequiresRole(Role.ADMIN)
    @Operation(summary = "Change an LLM connection", description = "Fields left out stay; an empty apiKey removes the "
            + "key, requestsPerMinute 0 removes the rate limit, prices replaces the whole price table")
    @ApiResponse(responseCode = "200", description = "the connection as changed")
    public ConnectionView update(@PathVariable String name, @Body @Valid ConnectionRequests.UpdateConnection body,
                                 @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return connections.update(name, body, caller);
    }

    @Delete("/connections/{name}")
    @Status(HttpStatus.NO_CONTENT)
    @RequiresRole(Role.ADMIN)
    @Operation(summary = "Remove an LLM connection and its key")
    @ApiResponse(responseCode = "204", description = "removed")
    public void delete(@PathVariable String name, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        connections.delete(name, caller);
    }

    @Post("/connections/{name}/test")
    @RequiresRole(Role.ADMIN)
    @Operation(summary = "Test an LLM connection", description = "Asks the provider for its models with the "
            + "connection's key (bedrock: signed; vertex: with a token minted from the service account key) and "
            + "headers; answers ok, or the provider's status and error (or why it could not be reached)")
    @ApiResponse(responseCode = "200", description = "what the provider answered (ok false: its error)")
    public ConnectionView.TestResult test(@PathVariable String name, @Nullable @Header("Authorization") String authorization,
                                          @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return connections.test(name, caller, LlmMeshController.bearer(authorization));
    }

    @Get("/usage")
    @RequiresRole(Role.ADMIN)
    @Operation(summary = "Token usage of the mesh's calls", description = "Totals per user and connection, and the "
            + "newest calls, since a time (default: the last 30 days)")
    @ApiResponse(responseCode = "200", description = "the usage")
    public LlmMesh.UsageReport usage(@Nullable @QueryValue String since,
                                     @Nullable @QueryValue @Parameter(schema = @Schema(type = "integer", minimum = "0",
                                             maximum = "" + MAX_USAGE_ROWS)) String limit) {
        Instant from;
        try {
            from = since == null || since.isBlank() ? Instant.now().minus(Duration.ofDays(30)) : Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw new InvalidFieldException("since", "must be an ISO-8601 instant, e.g. 2026-12-01T00:00:00Z");
        }
        int rows = QueryNumbers.wholeNumber("limit", limit, 100, 0, MAX_USAGE_ROWS);
        return mesh.usage(from, rows);
    }
}
