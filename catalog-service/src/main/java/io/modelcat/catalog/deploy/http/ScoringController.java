package io.modelcat.catalog.deploy.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.AuthSettings;
import io.modelcat.catalog.access.http.ClientAddress;
import io.modelcat.catalog.deploy.FlowServing;
import io.modelcat.catalog.deploy.Gateway;
import io.modelcat.catalog.deploy.GatewayException;
import io.modelcat.catalog.deploy.RunnerStream;
import io.modelcat.catalog.deploy.score.FlowInputs;
import io.modelcat.catalog.deploy.score.OpenAiAnswers;
import io.modelcat.catalog.deploy.score.OpenAiCompletions;
import io.modelcat.catalog.deploy.score.OpenAiStream;
import io.modelcat.catalog.deploy.score.ScoreCall;
import io.modelcat.catalog.deploy.score.ScoreShapeException;
import io.modelcat.catalog.deploy.score.ScoreShapes;
import io.modelcat.jobs.flow.MeshHeaders;
import io.modelcat.jobs.serve.ServeResponse;
import io.modelcat.jobs.task.Task;
import io.modelcat.store.deploy.Deployments;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Calls to online endpoints, authenticated by the endpoint's keys (or personal tokens), not by the
 * API's sign-in: {@code POST /endpoints/{name}/score} in Azure ML's request shapes, and OpenAI's
 * completions and chat completions APIs under {@code /endpoints/{name}/v1} (docs/deployments.md), streamed
 * as server-sent events when asked. A flow deployment answers {@code /score} with a JSON object of its flow's inputs
 * (docs/flows.md, "Deploying a flow").
 */
@Controller("/endpoints/{name}")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
public class ScoringController {

    /** The largest request body a scoring call may send. */
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Gateway gateway;
    private final AuthSettings settings;

    public ScoringController(Gateway gateway, AuthSettings settings) {
        this.gateway = gateway;
        this.settings = settings;
    }

    @Post(value = "/score", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<String> score(HttpRequest<?> request, @PathVariable String name,
                                             @Nullable @Body byte[] body,
                                             @Nullable @Header("Authorization") String authorization,
                                             @Nullable @Header("api-key") String apiKey,
                                             @Nullable @Header(Gateway.DEPLOYMENT_HEADER) String pinned,
                                             @Nullable @Header("x-ms-user-agent") String userAgent) {
        return scored(() -> gateway.authorize(name, authorization, apiKey), body, pinned, legacyShapes(userAgent),
                client(request));
    }

    /** The scoring call's client address, as the audit of a flow deployment's LLM calls records it. */
    String client(HttpRequest<?> request) {
        return ClientAddress.of(request, settings);
    }

    /** The request shapes of {@code /score}: prompt flow's Open Model LLM tool is answered as it parses. */
    static BiFunction<JsonNode, Task, ScoreCall> legacyShapes(String userAgent) {
        boolean promptFlow = userAgent != null && userAgent.toLowerCase(Locale.ROOT).startsWith("promptflow");
        return (json, task) -> ScoreShapes.parse(json, task, promptFlow);
    }

    @Post(value = "/invocations", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<String> invocations(@PathVariable String name, @Nullable @Body byte[] body,
                                                   @Nullable @Header("Authorization") String authorization,
                                                   @Nullable @Header("api-key") String apiKey,
                                                   @Nullable @Header(Gateway.DEPLOYMENT_HEADER) String pinned) {
        return scored(() -> gateway.authorize(name, authorization, apiKey), body, pinned, ScoreShapes::parseInvocations,
                null);
    }

    /** KServe's v1 protocol: {@code POST /v1/models/{deployment}:predict}, the deployment pinned by the path. */
    @Post(value = "/v1/models/{target}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<String> kserve(@PathVariable String name, @PathVariable String target,
                                              @Nullable @Body byte[] body,
                                              @Nullable @Header("Authorization") String authorization,
                                              @Nullable @Header("api-key") String apiKey) {
        if (!target.endsWith(":predict")) {
            return problem(new GatewayException(GatewayException.Status.NOT_FOUND, "KServe's v1 protocol answers "
                    + "POST /endpoints/" + name + "/v1/models/<deployment>:predict"));
        }
        String deployment = target.substring(0, target.length() - ":predict".length());
        return scored(() -> gateway.authorize(name, authorization, apiKey), body, deployment, ScoreShapes::parseKServe,
                null);
    }

    /**
     * One scoring call: authorize (the route's way of finding the endpoint), choose the deployment, read the body in
     * the route's shapes, call, shape the answer.
     *
     * @param flowClient where the route answers flow deployments ({@code /score}), the client's address; else null
     */
    MutableHttpResponse<String> scored(Supplier<Gateway.Route> authorized, byte[] body, String pinned,
                                       BiFunction<JsonNode, Task, ScoreCall> reader, @Nullable String flowClient) {
        try {
            Gateway.Chosen chosen = gateway.choose(authorized.get(), pinned);
            if (chosen.deployment().servesFlow()) {
                if (flowClient == null) {
                    throw new GatewayException(GatewayException.Status.BAD_REQUEST, servesFlow(chosen));
                }
                return flowScored(chosen, body, pinned, flowClient);
            }
            Task task = chosen.task();
            ScoreCall call;
            try {
                call = reader.apply(json(body), task);
            } catch (ScoreShapeException e) {
                throw new GatewayException(GatewayException.Status.BAD_REQUEST, e.getMessage());
            }
            ServeResponse answer = gateway.call(chosen, call.serveRequest());
            if (pinned == null) {
                gateway.mirror(chosen, call.serveRequest());
            }
            String shaped;
            try {
                shaped = ScoreShapes.format(call, task, answer.predictions()).toString();
            } catch (IllegalArgumentException e) {
                throw new GatewayException(GatewayException.Status.BAD_GATEWAY, "deployment '" + chosen.deployment().name()
                        + "' answered something that is not a " + task.wireName() + " prediction: " + e.getMessage());
            }
            return json(HttpStatus.OK, shaped).header(Gateway.DEPLOYMENT_HEADER, chosen.deployment().name());
        } catch (GatewayException e) {
            return problem(e);
        }
    }

    /** A flow deployment's call: the flow's inputs in, its outputs (each step's by name, and {@code output}) out. */
    private MutableHttpResponse<String> flowScored(Gateway.Chosen chosen, byte[] body, String pinned, String client) {
        Map<String, String> inputs;
        try {
            inputs = FlowInputs.read(json(body), chosen.deployment().flow().definition());
        } catch (FlowInputs.Invalid e) {
            throw new GatewayException(GatewayException.Status.BAD_REQUEST, e.getMessage());
        }
        FlowServing.Answer answer = gateway.runFlow(chosen, inputs, client);
        if (pinned == null) {
            gateway.mirrorFlow(chosen, inputs, client);
        }
        MutableHttpResponse<String> response = json(HttpStatus.OK, JSON.valueToTree(answer.row().outputs()).toString())
                .header(Gateway.DEPLOYMENT_HEADER, chosen.deployment().name());
        Double cost = answer.row().costUsd();
        return cost == null ? response : response.header(MeshHeaders.COST, java.math.BigDecimal.valueOf(cost)
                .toPlainString());
    }

    /** Why a route other than {@code /score} does not answer a flow deployment, and what does. */
    private static String servesFlow(Gateway.Chosen chosen) {
        return "deployment '" + chosen.deployment().name() + "' serves prompt flow '" + chosen.deployment().flow().name()
                + "': call POST /endpoints/" + chosen.route().endpoint().name() + "/score with a JSON object of its "
                + "inputs, " + FlowInputs.sketch(chosen.deployment().flow().definition());
    }

    private static MutableHttpResponse<String> problem(GatewayException e) {
        return failure(e, JSON.createObjectNode().put("status", e.status().code()).put("title",
                HttpStatus.valueOf(e.status().code()).getReason()).put("detail", e.getMessage()).toString(),
                "application/problem+json");
    }

    @Post(value = "/v1/completions", consumes = MediaType.ALL)
    public MutableHttpResponse<?> completions(@PathVariable String name, @Nullable @Body byte[] body,
                                              @Nullable @Header("Authorization") String authorization,
                                              @Nullable @Header("api-key") String apiKey,
                                              @Nullable @Header(Gateway.DEPLOYMENT_HEADER) String pinned) {
        return openAi(() -> gateway.authorize(name, authorization, apiKey), body, pinned, false, true);
    }

    /** The completions route serverless-style clients call (LangChain's serverless mode): {@code model} may be left out. */
    @Post(value = "/completions", consumes = MediaType.ALL)
    public MutableHttpResponse<?> serverlessCompletions(@PathVariable String name, @Nullable @Body byte[] body,
                                                        @Nullable @Header("Authorization") String authorization,
                                                        @Nullable @Header("api-key") String apiKey,
                                                        @Nullable @Header(Gateway.DEPLOYMENT_HEADER) String pinned) {
        return openAi(() -> gateway.authorize(name, authorization, apiKey), body, pinned, false, false);
    }

    @Post(value = "/v1/chat/completions", consumes = MediaType.ALL)
    public MutableHttpResponse<?> chat(@PathVariable String name, @Nullable @Body byte[] body,
                                       @Nullable @Header("Authorization") String authorization,
                                       @Nullable @Header("api-key") String apiKey,
                                       @Nullable @Header(Gateway.DEPLOYMENT_HEADER) String pinned) {
        return openAi(() -> gateway.authorize(name, authorization, apiKey), body, pinned, true, true);
    }

    /** The route that serverless-style clients (Azure AI Inference) call for chat: {@code model} may be left out. */
    @Post(value = "/models/chat/completions", consumes = MediaType.ALL)
    public MutableHttpResponse<?> inferenceChat(@PathVariable String name, @Nullable @Body byte[] body,
                                                @Nullable @Header("Authorization") String authorization,
                                                @Nullable @Header("api-key") String apiKey,
                                                @Nullable @Header(Gateway.DEPLOYMENT_HEADER) String pinned) {
        return openAi(() -> gateway.authorize(name, authorization, apiKey), body, pinned, true, false);
    }

    /**
     * One completions or chat call. {@code model} names a deployment (anything else, or none where it may be left
     * out, follows the traffic split).
     */
    MutableHttpResponse<?> openAi(Supplier<Gateway.Route> authorized, byte[] body, String pinned, boolean chat,
                                  boolean modelRequired) {
        OpenAiCompletions.Call call = null;
        try {
            Gateway.Route route = authorized.get();
            JsonNode json = json(body);
            call = chat ? OpenAiCompletions.parseChat(json, modelRequired) : OpenAiCompletions.parse(json, modelRequired);
            String model = call.model();
            boolean named = model != null && route.deployments().stream().anyMatch(d -> d.name().equals(model));
            Gateway.Chosen chosen = gateway.choose(route, pinned != null ? pinned : named ? model : null);
            if (chosen.deployment().servesFlow()) {
                throw new OpenAiCompletions.Invalid("model", servesFlow(chosen));
            }
            if (chosen.task() == Task.SUMMARIZATION || chosen.task() == Task.TRANSLATION) {
                call = OpenAiCompletions.forTextToText(call, json, chosen.deployment().name(), chosen.task().wireName());
            } else if (chosen.task() != Task.TEXT_GENERATION) {
                throw new OpenAiCompletions.Invalid("model", "deployment '" + chosen.deployment().name() + "' serves "
                        + chosen.task().wireName() + "; completions need a text-generation, summarization or "
                        + "translation deployment");
            }
            if (pinned == null && !named) {
                gateway.mirror(chosen, call.serveRequest());
            }
            String deployment = chosen.deployment().name();
            if (call.stream()) {
                return HttpResponse.ok(events(call, deployment, gateway.stream(chosen, call.serveRequest())))
                        .contentType(MediaType.TEXT_EVENT_STREAM_TYPE).header(Gateway.DEPLOYMENT_HEADER, deployment);
            }
            ServeResponse answer = gateway.call(chosen, call.serveRequest());
            return json(HttpStatus.OK, OpenAiAnswers.completion(call, deployment, answer.predictions()).toString())
                    .header(Gateway.DEPLOYMENT_HEADER, deployment);
        } catch (OpenAiCompletions.Invalid e) {
            return json(HttpStatus.BAD_REQUEST, OpenAiCompletions.error(e.getMessage(), "invalid_request_error",
                    e.param()).toString());
        } catch (GatewayException e) {
            // A request read well and refused by the runner is refused for its messages (no template, too long).
            return openAiFailure(e, chat && call != null && e.status() == GatewayException.Status.BAD_REQUEST
                    ? "messages" : null);
        }
    }

    /**
     * Server-sent events relayed as the runner sends them: each chunk leaves as soon as its token is
     * generated. A failure in the middle becomes an error event (OpenAI's clients raise it); a caller that
     * goes away closes the runner's stream, which stops the generation.
     */
    private static Flux<Event<String>> events(OpenAiCompletions.Call call, String deployment, RunnerStream events) {
        OpenAiStream chunks = new OpenAiStream(call, deployment, events);
        return Flux.fromIterable(() -> chunks).map(Event::of)
                .onErrorResume(e -> Flux.just(Event.of(OpenAiCompletions.error(e instanceof OpenAiStream.Failed
                        ? e.getMessage() : "the stream broke: " + e.getMessage(), "server_error", null).toString())))
                .doFinally(signal -> events.close())
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Get(value = "/v1/models")
    public MutableHttpResponse<String> models(@PathVariable String name,
                                              @Nullable @Header("Authorization") String authorization,
                                              @Nullable @Header("api-key") String apiKey) {
        try {
            Gateway.Route route = gateway.authorize(name, authorization, apiKey);
            return json(HttpStatus.OK, OpenAiCompletions.models(route.deployments().stream()
                    .map(Deployments.DeploymentRow::name).toList(),
                    route.endpoint().createdAt().getEpochSecond()).toString());
        } catch (GatewayException e) {
            return openAiFailure(e);
        }
    }

    private static JsonNode json(byte[] body) {
        if (body == null || body.length == 0) {
            throw new GatewayException(GatewayException.Status.BAD_REQUEST, "the body is empty; send a JSON object");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new GatewayException(GatewayException.Status.TOO_LARGE, "the body has " + body.length
                    + " bytes; a scoring call may send at most " + MAX_BODY_BYTES);
        }
        try {
            return JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GatewayException(GatewayException.Status.BAD_REQUEST, "the body is not JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static MutableHttpResponse<String> json(HttpStatus status, String body) {
        return HttpResponse.<String>status(status).body(body).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static MutableHttpResponse<String> openAiFailure(GatewayException e) {
        return openAiFailure(e, null);
    }

    private static MutableHttpResponse<String> openAiFailure(GatewayException e, String param) {
        String type = switch (e.status()) {
            case UNAUTHORIZED -> "authentication_error";
            case NOT_FOUND -> "not_found_error";
            case TOO_MANY_REQUESTS -> "rate_limit_error";
            case BAD_REQUEST, TOO_LARGE -> "invalid_request_error";
            default -> "server_error";
        };
        return failure(e, OpenAiCompletions.error(e.getMessage(), type, param).toString(), MediaType.APPLICATION_JSON);
    }

    private static MutableHttpResponse<String> failure(GatewayException e, String body, String contentType) {
        MutableHttpResponse<String> response = HttpResponse.<String>status(HttpStatus.valueOf(e.status().code())).body(body).contentType(contentType);
        if (e.retryAfter() != null) {
            response.header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        }
        if (e.status() == GatewayException.Status.UNAUTHORIZED) {
            response.header("WWW-Authenticate", "Bearer realm=\"ModelCat endpoint\"");
        }
        return response;
    }
}
