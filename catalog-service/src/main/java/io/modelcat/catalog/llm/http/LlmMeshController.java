package io.modelcat.catalog.llm.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.ForBulkTestJobs;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.llm.EventStream;
import io.modelcat.catalog.llm.LlmCallException;
import io.modelcat.catalog.llm.LlmMesh;
import io.modelcat.jobs.flow.MeshHeaders;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The LLM mesh in OpenAI's shapes, under {@code /api/v1/llm/v1}, so that OpenAI's SDKs work with
 * {@code base_url=<catalog>/api/v1/llm/v1} and a ModelCat API token as their key (docs/llm.md). Failures of the mesh
 * and of providers answer OpenAI's error shape; a caller without credentials or role gets the API's problem details.
 */
@Controller("/api/v1/llm/v1")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "LLM mesh", description = "One OpenAI-compatible API in front of every LLM connection")
public class LlmMeshController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LlmMesh mesh;

    public LlmMeshController(LlmMesh mesh) {
        this.mesh = mesh;
    }

    @Get(value = "/models", produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "The models callers may name: '<connection>/<model>' (OpenAI's list of models)")
    @ApiResponse(responseCode = "200", description = "OpenAI's list of models: object 'list', data [{id, object, owned_by}]",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object",
                    additionalProperties = Schema.AdditionalPropertiesValue.TRUE)))
    public MutableHttpResponse<String> models() {
        return HttpResponse.ok(mesh.models()).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    @Post(value = "/chat/completions", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON,
            MediaType.TEXT_EVENT_STREAM})
    @Operation(summary = "A chat completion through a connection (OpenAI's request and answer)", description = "model "
            + "is '<connection>/<model>'; stream true relays the provider's stream events as they arrive "
            + "(translated to OpenAI's chunks for anthropic, gemini, vertex, bedrock and cohere). "
            + "Provider 429 and 5xx are tried again with back-off (honouring Retry-After), then answered with their "
            + "status in OpenAI's error shape.")
    @ApiResponse(responseCode = "200", description = "OpenAI's chat completion, or its chunks as server-sent events",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object",
                    additionalProperties = Schema.AdditionalPropertiesValue.TRUE)),
                @Content(mediaType = MediaType.TEXT_EVENT_STREAM, schema = @Schema(type = "string"))})
    @ApiResponse(responseCode = "400", description = "OpenAI's error: the body, model (unknown connection, or a model "
            + "the connection does not allow), messages, or a parameter the provider's API cannot take, named in "
            + "error.param",
            content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @ProviderAnswers
    @ForBulkTestJobs
    public MutableHttpResponse<?> chat(@Nullable @Body byte[] body, @Nullable @Header("Authorization") String authorization,
                                       @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return relay(() -> mesh.chat(caller, callerToken(caller, authorization), body));
    }

    /** The caller's own token to pass on to token-mode endpoints; a runner's, calling for a bulk test, is not one. */
    private static String callerToken(Caller caller, String authorization) {
        return caller.method() == Caller.Method.RUNNER_FOR_JOB ? null : bearer(authorization);
    }

    @Post(value = "/completions", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON,
            MediaType.TEXT_EVENT_STREAM})
    @Operation(summary = "A text completion through a connection (OpenAI's legacy completions request and answer)",
            description = "model is '<connection>/<model>'; for openai, openai-compatible, azure-openai and modelcat "
                    + "connections (others answer 400 unsupported_operation); stream true relays server-sent events. "
                    + "Retries and errors as for chat completions.")
    @ApiResponse(responseCode = "200", description = "OpenAI's text_completion, or its chunks as server-sent events",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object",
                    additionalProperties = Schema.AdditionalPropertiesValue.TRUE)),
                @Content(mediaType = MediaType.TEXT_EVENT_STREAM, schema = @Schema(type = "string"))})
    @ApiResponse(responseCode = "400", description = "OpenAI's error: the body, model (unknown connection, a model the "
            + "connection does not allow, a kind without completions) or prompt, named in error.param",
            content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @ProviderAnswers
    public MutableHttpResponse<?> completions(@Nullable @Body byte[] body,
                                              @Nullable @Header("Authorization") String authorization,
                                              @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return relay(() -> mesh.completions(caller, bearer(authorization), body));
    }

    @Post(value = "/embeddings", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "Embeddings through a connection (OpenAI's request and answer)", description = "model is "
            + "'<connection>/<model>'; for openai, openai-compatible, azure-openai, mistral and cohere connections, "
            + "and bedrock's Titan text embedding models, one text a call (others answer 400 unsupported_operation). Retries and errors as for chat completions.")
    @ApiResponse(responseCode = "200", description = "OpenAI's list of embeddings with its usage",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object",
                    additionalProperties = Schema.AdditionalPropertiesValue.TRUE)))
    @ApiResponse(responseCode = "400", description = "OpenAI's error: the body, model (unknown connection, a model the "
            + "connection does not allow, a kind without embeddings) or input, named in error.param",
            content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @ProviderAnswers
    @ForBulkTestJobs
    public MutableHttpResponse<?> embeddings(@Nullable @Body byte[] body,
                                             @Nullable @Header("Authorization") String authorization,
                                             @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return relay(() -> mesh.embeddings(caller, callerToken(caller, authorization), body));
    }

    /** The mesh's outcome as an HTTP answer: a JSON body, server-sent events, or OpenAI's error. */
    private static MutableHttpResponse<?> relay(Supplier<LlmMesh.Outcome> call) {
        try {
            LlmMesh.Outcome outcome = call.get();
            if (outcome instanceof LlmMesh.Answer answer) {
                MutableHttpResponse<String> response = HttpResponse.<String>status(status(answer.status()))
                        .body(answer.json()).contentType(MediaType.APPLICATION_JSON_TYPE);
                return answer.costUsd() == null ? response
                        : response.header(MeshHeaders.COST, answer.costUsd().toPlainString());
            }
            return HttpResponse.ok(events((EventStream) outcome)).contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
        } catch (LlmCallException e) {
            return failure(e);
        }
    }

    /**
     * The provider's events relayed one by one, each read only when the caller is ready for it; a stream that breaks
     * ends with an error event (OpenAI's clients raise it), and a caller that goes away closes the provider's stream.
     */
    private static Flux<Event<String>> events(EventStream stream) {
        return Flux.<String>generate(sink -> {
            if (stream.hasNext()) {
                sink.next(stream.next());
            } else {
                sink.complete();
            }
        }).map(Event::of)
                .onErrorResume(e -> Flux.just(Event.of(error("the provider's stream broke off: " + e.getMessage(),
                        "server_error", null, "stream_broken").toString())))
                .doFinally(signal -> stream.close())
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static MutableHttpResponse<String> failure(LlmCallException e) {
        MutableHttpResponse<String> response = HttpResponse.<String>status(status(e.status()))
                .body(error(e.getMessage(), e.type(), e.param(), e.code()).toString())
                .contentType(MediaType.APPLICATION_JSON_TYPE);
        if (e.retryAfterMillis() != null) {
            // Retry-After in whole seconds for every client, and to the millisecond as OpenAI's SDKs and runners read it.
            response.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            response.header("retry-after-ms", Long.toString(e.retryAfterMillis()));
        }
        return response;
    }

    private static ObjectNode error(String message, String type, String param, String code) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error").put("message", message).put("type", type);
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        return root;
    }

    /** The status to answer; one Micronaut does not know (a provider's own) becomes 502. */
    private static HttpStatus status(int code) {
        try {
            return HttpStatus.valueOf(code);
        } catch (IllegalArgumentException e) {
            return HttpStatus.BAD_GATEWAY;
        }
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    static String bearer(@Nullable String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
