package io.modelcat.catalog.llm;

import static io.modelcat.catalog.llm.MessageContent.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.store.llm.LlmConnections;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS Bedrock Runtime's Converse API ({@code POST /model/<modelId>/converse}, streamed as {@code /converse-stream} in
 * AWS's binary event-stream framing), every request signed with SigV4 ({@link AwsSigV4Signer}): OpenAI's chat
 * requests become Converse requests ({@code system}, {@code messages} with text blocks, {@code inferenceConfig}); the
 * output, stop reasons, usage, stream events and exceptions come back in OpenAI's shapes. Embeddings are Amazon Titan's
 * ({@code POST /model/amazon.titan-embed-*}/invoke}), one text a call.
 */
final class BedrockDialect implements ProviderDialect {

    static final BedrockDialect INSTANCE = new BedrockDialect();
    /** The embedding models this dialect speaks to through {@code /invoke}: Amazon Titan's text embeddings. */
    static final String TITAN_EMBED_PREFIX = "amazon.titan-embed-text";
    private static final Pattern DEFAULT_RUNTIME = Pattern.compile("^https://bedrock-runtime\\.([a-z0-9-]+)\\.amazonaws\\.com$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private BedrockDialect() {
    }

    /** Bedrock Runtime's URL in a region, which connections use unless they set their own base URL. */
    static String runtimeUrl(String region) {
        return "https://bedrock-runtime." + region + ".amazonaws.com";
    }

    @Override
    public Optional<String> path(Operation operation, String model, LlmConnections.Settings settings, boolean stream) {
        String base = "/model/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20");
        return switch (operation) {
            case CHAT -> Optional.of(base + (stream ? "/converse-stream" : "/converse"));
            case EMBEDDINGS -> model.startsWith(TITAN_EMBED_PREFIX) ? Optional.of(base + "/invoke") : Optional.empty();
            case COMPLETIONS -> Optional.empty();
        };
    }

    @Override
    public String modelsPath(LlmConnections.Settings settings) {
        return "/foundation-models";
    }

    /** The model list is Bedrock's control plane ({@code bedrock.<region>}), not the runtime, unless overridden. */
    @Override
    public URI modelsUri(String base, LlmConnections.Settings settings) {
        Matcher runtime = DEFAULT_RUNTIME.matcher(base);
        String host = runtime.matches() ? "https://bedrock." + runtime.group(1) + ".amazonaws.com" : base;
        return URI.create(host + modelsPath(settings));
    }

    @Override
    public List<String> models(JsonNode answer) {
        List<String> models = new ArrayList<>();
        answer.path("modelSummaries").forEach(m -> models.add(m.path("modelId").asText()));
        return models;
    }

    @Override
    public Map<String, String> authHeaders(String key) {
        // The secret access key signs each request (AwsSigV4Signer); it is never sent.
        return Map.of();
    }

    @Override
    public Set<String> ownHeaders() {
        return Set.of("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256");
    }

    @Override
    public ObjectNode request(Operation operation, ObjectNode openAi, String model) {
        if (operation == Operation.EMBEDDINGS) {
            return embeddingRequest(openAi);
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode system = JSON.createArrayNode();
        ArrayNode messages = out.putArray("messages");
        for (JsonNode m : openAi.path("messages")) {
            String role = m.path("role").asText("");
            switch (role) {
                case "system", "developer" -> system.addObject().put("text", text(m.path("content")));
                case "user", "assistant" -> messages.addObject().put("role", role).putArray("content").addObject()
                        .put("text", text(m.path("content")));
                default -> throw LlmCallException.invalid("messages", "unsupported_message", "a bedrock connection "
                        + "takes system, user and assistant messages; '" + role + "' is not translated");
            }
        }
        if (messages.isEmpty()) {
            throw LlmCallException.invalid("messages", "invalid_messages", "a bedrock connection needs at least one "
                    + "user or assistant message besides the system ones");
        }
        if (!system.isEmpty()) {
            out.set("system", system);
        }
        for (String unsupported : List.of("tools", "functions", "response_format", "logprobs")) {
            if (openAi.hasNonNull(unsupported)) {
                throw LlmCallException.invalid(unsupported, "unsupported_parameter", "'" + unsupported + "' is not "
                        + "translated for bedrock connections");
            }
        }
        if (openAi.hasNonNull("n") && openAi.path("n").asInt() != 1) {
            throw LlmCallException.invalid("n", "unsupported_parameter", "a bedrock connection answers one choice");
        }
        ObjectNode config = JSON.createObjectNode();
        String maxTokens = openAi.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (openAi.hasNonNull(maxTokens)) {
            config.set("maxTokens", openAi.get(maxTokens));
        }
        if (openAi.hasNonNull("temperature")) {
            config.set("temperature", openAi.get("temperature"));
        }
        if (openAi.hasNonNull("top_p")) {
            config.set("topP", openAi.get("top_p"));
        }
        JsonNode stop = openAi.path("stop");
        if (stop.isTextual()) {
            config.putArray("stopSequences").add(stop.asText());
        } else if (stop.isArray() && !stop.isEmpty()) {
            config.set("stopSequences", stop);
        }
        if (!config.isEmpty()) {
            out.set("inferenceConfig", config);
        }
        return out;
    }

    private static ObjectNode embeddingRequest(ObjectNode openAi) {
        JsonNode input = openAi.path("input");
        if (input.isArray() && input.size() == 1) {
            input = input.get(0);
        }
        if (!input.isTextual()) {
            throw LlmCallException.invalid("input", "invalid_value", "a bedrock connection's Titan embeddings take one "
                    + "text a call: 'input' must be a string (or a list of one)");
        }
        ObjectNode out = JSON.createObjectNode().put("inputText", input.asText());
        if (openAi.hasNonNull("dimensions")) {
            out.set("dimensions", openAi.get("dimensions"));
        }
        return out;
    }


    @Override
    public byte[] answer(Operation operation, byte[] body) {
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            return body;
        }
        if (operation == Operation.EMBEDDINGS) {
            ObjectNode out = JSON.createObjectNode().put("object", "list");
            ObjectNode item = out.putArray("data").addObject().put("object", "embedding").put("index", 0);
            item.set("embedding", answer.path("embedding"));
            long tokens = answer.path("inputTextTokenCount").asLong(0);
            out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }
        ObjectNode out = JSON.createObjectNode().put("id", "chatcmpl-" + UUID.randomUUID())
                .put("object", "chat.completion").put("created", Instant.now().getEpochSecond());
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        StringBuilder text = new StringBuilder();
        for (JsonNode block : answer.path("output").path("message").path("content")) {
            if (block.path("text").isTextual()) {
                text.append(block.path("text").asText());
            }
        }
        choice.putObject("message").put("role", "assistant").put("content", text.toString());
        choice.put("finish_reason", finishReason(answer.path("stopReason").asText(null)));
        out.set("usage", usage(answer.path("usage")));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String finishReason(String reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop";
        };
    }

    private static ObjectNode usage(JsonNode usage) {
        long prompt = usage.path("inputTokens").asLong(0) + usage.path("cacheReadInputTokens").asLong(0)
                + usage.path("cacheWriteInputTokens").asLong(0);
        long completion = usage.path("outputTokens").asLong(0);
        return JSON.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", usage.path("totalTokens").asLong(prompt + completion));
    }

    /** AWS's JSON errors may name their exception in {@code __type}; else the status says. */
    @Override
    public String errorType(byte[] body) {
        try {
            JsonNode type = JSON.readTree(body).path("__type");
            return type.isTextual() ? exceptionType(type.asText().substring(type.asText().lastIndexOf('#') + 1)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Bedrock's own statuses as standard ones: a model's failure (424) as 502, a model's timeout (408) as 504. */
    @Override
    public int status(int providerStatus) {
        return switch (providerStatus) {
            case 424 -> 502;
            case 408 -> 504;
            default -> providerStatus;
        };
    }

    @Override
    public boolean isEventStream(String contentType) {
        return contentType.startsWith("application/vnd.amazon.eventstream");
    }

    @Override
    public ProviderEvents events(InputStream body) {
        return new AwsEventStreamEvents(body);
    }

    @Override
    public StreamTranslator streamTranslator(ObjectNode openAi) {
        return new Events(StreamTranslator.includesUsage(openAi));
    }

    /** OpenAI's error type for one of Bedrock's exception names (its {@code x-amzn-ErrorType}, its stream's). */
    static String exceptionType(String exception) {
        String name = exception.toLowerCase(java.util.Locale.ROOT);
        if (name.startsWith("throttling") || name.startsWith("servicequotaexceeded") || name.startsWith("modelnotready")) {
            return "rate_limit_error";
        }
        if (name.startsWith("validation") || name.startsWith("resourcenotfound")) {
            return "invalid_request_error";
        }
        if (name.startsWith("accessdenied")) {
            return "permission_error";
        }
        return "server_error";
    }

    /**
     * ConverseStream's events ({@code messageStart}, {@code contentBlockDelta}, {@code messageStop}, {@code metadata}
     * with the usage; exceptions) as OpenAI's chat.completion.chunk events, ending with a usage chunk (when asked
     * for) and {@code [DONE]}.
     */
    private static final class Events implements StreamTranslator {

        private final boolean includeUsage;
        private final String id = "chatcmpl-" + UUID.randomUUID();
        private final long created = Instant.now().getEpochSecond();
        private JsonNode usage;

        Events(boolean includeUsage) {
            this.includeUsage = includeUsage;
        }

        @Override
        public List<String> translate(String data) {
            JsonNode event;
            try {
                event = JSON.readTree(data);
            } catch (IOException e) {
                return List.of();
            }
            JsonNode payload = event.path("payload");
            if (event.has("exception")) {
                ObjectNode out = JSON.createObjectNode();
                out.putObject("error").put("message", payload.path("message").asText("the provider's stream failed"))
                        .put("type", exceptionType(event.path("exception").asText()))
                        .putNull("param").put("code", "provider_error");
                return List.of(out.toString());
            }
            switch (event.path("event").asText()) {
                case "messageStart" -> {
                    ObjectNode chunk = chunk();
                    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
                    choice.putObject("delta").put("role", "assistant").put("content", "");
                    choice.putNull("finish_reason");
                    return List.of(chunk.toString());
                }
                case "contentBlockDelta" -> {
                    JsonNode text = payload.path("delta").path("text");
                    if (!text.isTextual()) {
                        return List.of();
                    }
                    ObjectNode chunk = chunk();
                    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
                    choice.putObject("delta").put("content", text.asText());
                    choice.putNull("finish_reason");
                    return List.of(chunk.toString());
                }
                case "messageStop" -> {
                    ObjectNode chunk = chunk();
                    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
                    choice.putObject("delta");
                    choice.put("finish_reason", finishReason(payload.path("stopReason").asText("end_turn")));
                    return List.of(chunk.toString());
                }
                case "metadata" -> {
                    usage = BedrockDialect.usage(payload.path("usage"));
                    return List.of();
                }
                default -> {
                    return List.of();
                }
            }
        }

        @Override
        public List<String> end() {
            return StreamTranslator.done(includeUsage, usage, this::chunk);
        }

        @Override
        public JsonNode usage() {
            return usage;
        }

        private ObjectNode chunk() {
            return JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                    .put("model", "");
        }
    }
}
