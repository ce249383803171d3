package io.modelcat.catalog.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.jobs.flow.MeshHeaders;
import io.modelcat.store.Database;
import io.modelcat.store.llm.LlmConnections;
import io.modelcat.store.llm.LlmUsage;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LLM mesh (docs/llm.md): one OpenAI-shaped API in front of every connection. {@code model} names
 * {@code <connection>/<model>}; the call goes to that connection with its key and headers, within its concurrency
 * limit, and its token usage is recorded for the caller.
 */
@Singleton
public class LlmMesh {

    private static final Logger LOG = LoggerFactory.getLogger(LlmMesh.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long callers refused for a connection's concurrency limit are asked to wait. */
    private static final long BUSY_RETRY_AFTER_SECONDS = 1;
    /**
     * How long a call may wait in the mesh for its turn under the connection's requestsPerMinute before it is
     * answered 429 instead: callers at the limit are spaced evenly rather than refused and retrying all at once.
     */
    static final long LONGEST_TURN_WAIT_NANOS = 1_000_000_000L;
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private final Database db;
    private final AuditLog audit;
    private final ConnectionService connections;
    private final ProviderClient client;
    private final RequestRates rates;
    private final CallSlots slots;

    LlmMesh(Database db, AuditLog audit, ConnectionService connections, ProviderClient client, RequestRates rates,
            CallSlots slots) {
        this.db = db;
        this.audit = audit;
        this.connections = connections;
        this.client = client;
        this.rates = rates;
        this.slots = slots;
    }

    /** What a chat call answers: a whole JSON body, or server-sent events to relay. */
    public sealed interface Outcome permits Answer, EventStream {
    }

    /**
     * A JSON answer and its status.
     *
     * @param costUsd the call's estimated cost at the connection's price (null without one), which the mesh also
     *                sends as {@link MeshHeaders#COST}
     */
    public record Answer(int status, String json, @Nullable BigDecimal costUsd) implements Outcome {
    }



    /** Every model callers may name, as OpenAI's {@code GET /models} lists them. */
    public String models() {
        ArrayNode data = JSON.createArrayNode();
        for (ConnectionView c : connections.list().items()) {
            for (String model : c.allowedModels()) {
                data.addObject().put("id", c.name() + "/" + model).put("object", "model")
                        .put("created", c.createdAt().getEpochSecond()).put("owned_by", c.name());
            }
        }
        ObjectNode list = JSON.createObjectNode().put("object", "list");
        list.set("data", data);
        return list.toString();
    }

    /**
     * One chat completion, forwarded in the connection's dialect.
     *
     * @param callerToken the caller's bearer token (modelcat connections pass it on to token-mode endpoints)
     * @throws LlmCallException for a refused request, a busy connection, or the provider's failure
     */
    public Outcome chat(Caller caller, @Nullable String callerToken, byte[] body) {
        return call(ProviderDialect.Operation.CHAT, caller, callerToken, body);
    }

    /** One text completion (OpenAI's {@code /completions}), for connections whose provider has them. */
    public Outcome completions(Caller caller, @Nullable String callerToken, byte[] body) {
        return call(ProviderDialect.Operation.COMPLETIONS, caller, callerToken, body);
    }

    /** Embeddings (OpenAI's {@code /embeddings}), for connections whose provider has them. */
    public Outcome embeddings(Caller caller, @Nullable String callerToken, byte[] body) {
        return call(ProviderDialect.Operation.EMBEDDINGS, caller, callerToken, body);
    }

    private Outcome call(ProviderDialect.Operation operation, Caller caller, @Nullable String callerToken, byte[] body) {
        ObjectNode request = object(body);
        JsonNode model = request.path("model");
        if (!model.isTextual() || model.asText().isBlank()) {
            throw LlmCallException.invalid("model", "missing_model", "'model' is required: '<connection>/<model>', "
                    + "as GET /api/v1/llm/v1/models lists them");
        }
        String named = model.asText().strip();
        int slash = named.indexOf('/');
        if (slash <= 0 || slash == named.length() - 1) {
            throw LlmCallException.invalid("model", "model_not_found", "'" + named + "' names no connection: write "
                    + "'<connection>/<model>'");
        }
        String connectionName = named.substring(0, slash);
        String providerModel = named.substring(slash + 1);
        checkInput(operation, request);
        ConnectionService.Connection connection;
        try {
            connection = connections.find(connectionName, callerToken).orElseThrow(() ->
                    LlmCallException.invalid("model", "model_not_found", "no LLM connection is called '"
                            + connectionName + "'"));
        } catch (ConflictException e) {
            throw new LlmCallException(500, e.getMessage(), "server_error", null, "connection_key_unreadable", null);
        }
        LlmConnections.Settings settings = connection.settings();
        if (!settings.allowedModels().contains(providerModel)) {
            throw LlmCallException.invalid("model", "model_not_allowed", "connection '" + connectionName
                    + "' does not allow model '" + providerModel + "'; it allows " + settings.allowedModels());
        }
        ProviderDialect dialect = connection.dialect();
        boolean stream = operation != ProviderDialect.Operation.EMBEDDINGS && request.path("stream").asBoolean(false);
        String path = dialect.path(operation, providerModel, settings, stream).orElseThrow(() -> LlmCallException.invalid(
                "model", "unsupported_operation", "connection '" + connectionName + "' (" + settings.kind() + ") has no "
                        + operation.openAiPath() + " API"));
        byte[] providerBody = dialect.request(operation, request, providerModel).toString()
                .getBytes(StandardCharsets.UTF_8);
        LlmConnections.Price price = settings.prices().get(providerModel);
        // The rate first: a call waiting for its turn does not hold one of the connection's calls at once.
        Integer perMinute = settings.requestsPerMinute();
        long wait = perMinute == null ? 0 : rates.reserve(connectionName, perMinute, LONGEST_TURN_WAIT_NANOS);
        if (wait < 0) {
            Call refused = new Call(caller, connectionName, providerModel, stream, System.nanoTime(), price);
            refused.finish(429, null);
            throw LlmCallException.retryAfterMillis(429, "connection '" + connectionName + "' is at its limit of "
                    + perMinute + " calls a minute; try again in " + seconds(-wait) + " s",
                    "rate_limit_error", "rate_limit", (-wait + 999_999) / 1_000_000);
        }
        if (wait > 0 && !sleep(wait)) {
            throw LlmCallException.retryAfterMillis(429, "connection '" + connectionName + "': the wait for its turn "
                    + "was cut short (the catalog service is stopping)", "rate_limit_error", "rate_limit", 1000);
        }
        // The provider's retries (after its 429 or 5xx) keep to the same limit.
        ProviderClient.Turns turns = perMinute == null ? ProviderClient.Turns.ANY : () -> {
            long turn = rates.reserve(connectionName, perMinute, LONGEST_TURN_WAIT_NANOS);
            return turn >= 0 && sleep(turn);
        };
        CallSlots.Slot slot = slots.tryTake(connectionName, settings.maxConcurrent()).orElse(null);
        if (slot == null) {
            Call refused = new Call(caller, connectionName, providerModel, stream, System.nanoTime(), price);
            refused.finish(429, null);
            throw new LlmCallException(429, "connection '" + connectionName + "' is at its limit of "
                    + settings.maxConcurrent() + " calls at once; try again shortly", "rate_limit_error", null,
                    "concurrency_limit", BUSY_RETRY_AFTER_SECONDS);
        }
        Call call = new Call(caller, connectionName, providerModel, stream, System.nanoTime(), price);
        boolean handedOver = false;
        try {
            HttpResponse<InputStream> answer = client.call(connection.target(), path, providerBody, turns);
            if (answer.statusCode() / 100 != 2) {
                byte[] error = read(answer);
                call.finish(answer.statusCode(), null);
                throw providerFailure(connectionName, dialect, answer, error);
            }
            boolean eventStream = dialect.isEventStream(answer.headers().firstValue("Content-Type").orElse(""));
            if (stream && eventStream) {
                handedOver = true;
                return new EventStream(answer.body(), dialect.events(answer.body()), dialect.streamTranslator(request),
                        usage -> {
                    slot.release();
                    call.finish(answer.statusCode(), usage);
                });
            }
            byte[] json = dialect.answer(operation, read(answer));
            BigDecimal cost = call.finish(answer.statusCode(), usageOf(json));
            return new Answer(answer.statusCode(), new String(json, StandardCharsets.UTF_8), cost);
        } catch (ProviderClient.Unreachable e) {
            call.finish(502, null);
            throw new LlmCallException(502, e.getMessage(), "api_connection_error", null, "provider_unreachable", null);
        } finally {
            if (!handedOver) {
                slot.release();
            }
        }
    }

    /** The field each kind of call needs: a non-empty {@code messages} array, a {@code prompt}, an {@code input}. */
    private static void checkInput(ProviderDialect.Operation operation, ObjectNode request) {
        JsonNode value = request.path(operation.requiredField());
        boolean ok = switch (operation) {
            case CHAT -> value.isArray() && !value.isEmpty();
            case COMPLETIONS, EMBEDDINGS -> value.isTextual() || (value.isArray() && !value.isEmpty());
        };
        if (!ok) {
            String field = operation.requiredField();
            throw LlmCallException.invalid(field, "invalid_" + field, operation == ProviderDialect.Operation.CHAT
                    ? "'messages' must be a non-empty array"
                    : "'" + field + "' must be a string or a non-empty array");
        }
    }

    /** Sleeps {@code nanos}; false when interrupted (the interrupt kept). */
    private static boolean sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Token usage per user and connection since {@code since}, with the newest calls. */
    public UsageReport usage(Instant since, int limit) {
        return db.read(c -> new UsageReport(since,
                LlmUsage.totals(c, since).stream().map(t -> new UsageTotal(t.username(), t.connection(), t.calls(),
                        t.promptTokens(), t.completionTokens(), t.totalTokens(), t.costUsd())).toList(),
                LlmUsage.recent(c, since, limit).stream().map(r -> new UsageCall(r.at(), r.call().username(),
                        r.call().connection(), r.call().model(), r.call().status(), r.call().streamed(),
                        r.call().promptTokens(), r.call().completionTokens(), r.call().totalTokens(),
                        r.call().latencyMs(), r.call().costUsd())).toList()));
    }

    /** What {@link #usage} answers: sums per user and connection, and the newest calls. */
    @Serdeable
    @Schema(name = "LlmUsage")
    public record UsageReport(Instant since, List<UsageTotal> totals, List<UsageCall> calls) {
    }

    /** The sums of one user's calls through one connection. */
    @Serdeable
    @Schema(name = "LlmUsageTotal")
    public record UsageTotal(String username, String connection, long calls, long promptTokens, long completionTokens,
                             long totalTokens,
                             @Nullable @Schema(description = "estimated USD of the calls whose model had a price; "
                                     + "absent when none had") BigDecimal costUsd) {
    }

    /** One call through the mesh. */
    @Serdeable
    @Schema(name = "LlmUsageCall")
    public record UsageCall(Instant at, String username, String connection, String model, int status, boolean streamed,
                            long promptTokens, long completionTokens, long totalTokens, long latencyMs,
                            @Nullable @Schema(description = "estimated USD from the connection's price for the model "
                                    + "at the time; absent without a price") BigDecimal costUsd) {
    }

    private static LlmCallException providerFailure(String connection, ProviderDialect dialect, HttpResponse<?> answer,
                                                    byte[] body) {
        int status = dialect.status(answer.statusCode());
        String type = dialect.errorType(body);
        if (type == null) {
            type = switch (status) {
                case 400, 404, 413, 422 -> "invalid_request_error";
                case 401 -> "authentication_error";
                case 403 -> "permission_error";
                case 429 -> "rate_limit_error";
                default -> "server_error";
            };
        }
        String message = "connection '" + connection + "' answered " + answer.statusCode() + ": "
                + ProviderErrors.message(body);
        return status == 429
                ? LlmCallException.retryAfterMillis(status, message, type, "provider_error",
                        MeshHeaders.retryAfter(answer.headers()).map(Duration::toMillis).orElse(1000L))
                : new LlmCallException(status, message, type, null, "provider_error", null);
    }

    private static ObjectNode object(byte[] body) {
        if (body == null || body.length == 0) {
            throw LlmCallException.invalid(null, "invalid_json", "the body is empty; send a JSON object");
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw LlmCallException.invalid(null, "invalid_json", "the body is not JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(json instanceof ObjectNode object)) {
            throw LlmCallException.invalid(null, "invalid_json", "the body must be a JSON object");
        }
        return object;
    }

    private static byte[] read(HttpResponse<InputStream> answer) {
        try (InputStream in = answer.body()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new LlmCallException(502, "the provider's answer broke off: " + e.getMessage(), "api_connection_error",
                    null, "provider_unreachable", null);
        }
    }

    static JsonNode usageOf(byte[] json) {
        try {
            JsonNode usage = JSON.readTree(json).path("usage");
            return usage.isObject() ? usage : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The estimated cost in USD of a call's tokens at {@code price} (per million), or null without a price. */
    static BigDecimal cost(@Nullable LlmConnections.Price price, long promptTokens, long completionTokens) {
        if (price == null) {
            return null;
        }
        return price.inputPerMillion().multiply(BigDecimal.valueOf(promptTokens))
                .add(price.outputPerMillion().multiply(BigDecimal.valueOf(completionTokens)))
                .divide(MILLION, 10, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    /** One call, recorded once it ends: a usage row and an audit entry. */
    private final class Call {

        private final Caller caller;
        private final String connection;
        private final String model;
        private final boolean streamed;
        private final long started;
        private final LlmConnections.Price price;

        Call(Caller caller, String connection, String model, boolean streamed, long started,
             @Nullable LlmConnections.Price price) {
            this.caller = caller;
            this.connection = connection;
            this.model = model;
            this.streamed = streamed;
            this.started = started;
            this.price = price;
        }

        /** Records the call; answers its estimated cost (null without a price). */
        BigDecimal finish(int status, @Nullable JsonNode usage) {
            long prompt = usage == null ? 0 : usage.path("prompt_tokens").asLong(0);
            long completion = usage == null ? 0 : usage.path("completion_tokens").asLong(0);
            long total = usage == null ? 0 : usage.path("total_tokens").asLong(prompt + completion);
            long latencyMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
            BigDecimal cost = cost(price, prompt, completion);
            try {
                db.write(c -> {
                    LlmUsage.insert(c, new LlmUsage.Call(caller.username(), connection, model, status, streamed, prompt,
                            completion, total, latencyMs, cost));
                    return null;
                });
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("model", model);
                details.put("status", status);
                details.put("streamed", streamed);
                details.put("totalTokens", total);
                if (cost != null) {
                    details.put("costUsd", cost.toPlainString());
                }
                audit.record(new AuditLog.Entry(caller.userId(), caller.username(), "llm.call", "llm-connection",
                        connection, status / 100 == 2 ? AuditLog.SUCCESS : AuditLog.FAILURE, caller.remoteAddr(), details));
            } catch (RuntimeException e) {
                // The caller has its answer; a lost usage row is logged rather than turned into a failed call.
                LOG.warn("could not record the usage of a call through connection {}: {}", connection, e.toString());
            }
            return cost;
        }
    }
}
