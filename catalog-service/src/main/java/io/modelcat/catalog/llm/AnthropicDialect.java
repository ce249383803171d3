package io.modelcat.catalog.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.store.llm.LlmConnections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}, {@code x-api-key}, {@code anthropic-version}): OpenAI's chat
 * requests become Messages requests (system messages become {@code system}, {@code max_tokens} is required,
 * {@code stop} becomes {@code stop_sequences}), and the answers, stream events and errors come back in OpenAI's shapes.
 */
final class AnthropicDialect implements ProviderDialect {

    static final AnthropicDialect INSTANCE = new AnthropicDialect();
    static final String VERSION = "2023-06-01";
    /** What {@code max_tokens} is when the caller sets none (Anthropic requires it; OpenAI does not). */
    static final int DEFAULT_MAX_TOKENS = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnthropicDialect() {
    }

    @Override
    public Optional<String> path(Operation operation, String model, LlmConnections.Settings settings,
                                 boolean stream) {
        return operation == Operation.CHAT ? Optional.of("/messages") : Optional.empty();
    }

    @Override
    public String modelsPath(LlmConnections.Settings settings) {
        return "/models";
    }

    @Override
    public Map<String, String> authHeaders(String key) {
        return Map.of("x-api-key", key, "anthropic-version", VERSION);
    }

    @Override
    public Set<String> ownHeaders() {
        return Set.of("x-api-key", "anthropic-version");
    }

    @Override
    public ObjectNode request(Operation operation, ObjectNode openAi, String model) {
        ObjectNode out = JSON.createObjectNode().put("model", model);
        out.put("max_tokens", maxTokens(openAi));
        List<String> system = new ArrayList<>();
        ArrayNode messages = out.putArray("messages");
        for (JsonNode m : openAi.path("messages")) {
            String role = m.path("role").asText("");
            switch (role) {
                case "system", "developer" -> system.add(MessageContent.text(m.path("content")));
                case "user", "assistant" -> {
                    ObjectNode message = messages.addObject().put("role", role);
                    message.set("content", content(m.path("content")));
                }
                default -> throw LlmCallException.invalid("messages", "unsupported_message", "an anthropic connection "
                        + "takes system, user and assistant messages; '" + role + "' is not translated");
            }
        }
        if (messages.isEmpty()) {
            throw LlmCallException.invalid("messages", "invalid_messages", "an anthropic connection needs at least one "
                    + "user or assistant message besides the system ones");
        }
        if (!system.isEmpty()) {
            out.put("system", String.join("\n\n", system));
        }
        for (String unsupported : List.of("tools", "functions", "response_format", "logprobs")) {
            if (openAi.hasNonNull(unsupported)) {
                throw LlmCallException.invalid(unsupported, "unsupported_parameter", "'" + unsupported + "' is not "
                        + "translated for anthropic connections");
            }
        }
        if (openAi.path("n").asInt(1) != 1) {
            throw LlmCallException.invalid("n", "unsupported_parameter", "anthropic answers one choice: n must be 1");
        }
        for (String copied : List.of("temperature", "top_p")) {
            if (openAi.hasNonNull(copied)) {
                out.set(copied, openAi.get(copied));
            }
        }
        JsonNode stop = openAi.path("stop");
        if (stop.isTextual()) {
            out.putArray("stop_sequences").add(stop.asText());
        } else if (stop.isArray() && !stop.isEmpty()) {
            out.set("stop_sequences", stop);
        }
        if (openAi.path("user").isTextual()) {
            out.putObject("metadata").put("user_id", openAi.path("user").asText());
        }
        if (openAi.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        return out;
    }

    private static int maxTokens(ObjectNode openAi) {
        for (String field : List.of("max_completion_tokens", "max_tokens")) {
            JsonNode value = openAi.path(field);
            if (!value.isMissingNode() && !value.isNull()) {
                if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
                    throw LlmCallException.invalid(field, "invalid_value", "'" + field + "' must be a positive whole "
                            + "number");
                }
                return value.asInt();
            }
        }
        return DEFAULT_MAX_TOKENS;
    }

    /** A message's content as Anthropic's: a string stays one; OpenAI's text parts become text blocks. */
    private static JsonNode content(JsonNode content) {
        if (content.isTextual()) {
            return content;
        }
        ArrayNode blocks = JSON.createArrayNode();
        MessageContent.textParts(content).forEach(text -> blocks.addObject().put("type", "text").put("text", text));
        return blocks;
    }

    @Override
    public byte[] answer(Operation operation, byte[] body) {
        JsonNode message;
        try {
            message = JSON.readTree(body);
        } catch (IOException e) {
            return body;
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : message.path("content")) {
            if ("text".equals(block.path("type").asText())) {
                text.append(block.path("text").asText());
            }
        }
        ObjectNode out = JSON.createObjectNode().put("id", message.path("id").asText())
                .put("object", "chat.completion").put("created", Instant.now().getEpochSecond())
                .put("model", message.path("model").asText());
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text.toString());
        choice.put("finish_reason", finishReason(message.path("stop_reason").asText(null)));
        out.set("usage", usage(message.path("usage"), 0));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** OpenAI's usage from Anthropic's; cached input tokens count as prompt tokens. */
    private static ObjectNode usage(JsonNode usage, long outputTokens) {
        long prompt = usage.path("input_tokens").asLong(0) + usage.path("cache_creation_input_tokens").asLong(0)
                + usage.path("cache_read_input_tokens").asLong(0);
        long completion = usage.has("output_tokens") ? usage.path("output_tokens").asLong(0) : outputTokens;
        return JSON.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    @Override
    public String errorType(byte[] body) {
        String type = ProviderErrors.type(body);
        if (type == null) {
            return null;
        }
        return switch (type) {
            case "not_found_error", "request_too_large" -> "invalid_request_error";
            case "api_error", "overloaded_error" -> "server_error";
            default -> type;
        };
    }

    @Override
    public int status(int providerStatus) {
        // 529: Anthropic is overloaded; callers know it as 503.
        return providerStatus == 529 ? 503 : providerStatus;
    }

    @Override
    public StreamTranslator streamTranslator(ObjectNode openAi) {
        return new Events(StreamTranslator.includesUsage(openAi));
    }

    /**
     * Anthropic's stream (message_start, content_block_delta, message_delta, message_stop, ping, error) as OpenAI's
     * chat.completion.chunk events, ending with a usage chunk (when asked for) and {@code [DONE]}.
     */
    private static final class Events implements StreamTranslator {

        private final boolean includeUsage;
        private final long created = Instant.now().getEpochSecond();
        private String id = "";
        private String model = "";
        private JsonNode inputUsage = JSON.createObjectNode();
        private long outputTokens;

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
            switch (event.path("type").asText()) {
                case "message_start" -> {
                    JsonNode message = event.path("message");
                    id = message.path("id").asText();
                    model = message.path("model").asText();
                    inputUsage = message.path("usage");
                    outputTokens = inputUsage.path("output_tokens").asLong(0);
                    ObjectNode chunk = chunk();
                    ((ObjectNode) chunk.get("choices").get(0).get("delta")).put("role", "assistant")
                            .put("content", "");
                    return List.of(chunk.toString());
                }
                case "content_block_start" -> {
                    JsonNode block = event.path("content_block");
                    String text = block.path("text").asText("");
                    return "text".equals(block.path("type").asText()) && !text.isEmpty() ? List.of(text(text))
                            : List.of();
                }
                case "content_block_delta" -> {
                    JsonNode delta = event.path("delta");
                    return "text_delta".equals(delta.path("type").asText()) ? List.of(text(delta.path("text").asText()))
                            : List.of();
                }
                case "message_delta" -> {
                    JsonNode u = event.path("usage");
                    if (u.has("output_tokens")) {
                        outputTokens = u.path("output_tokens").asLong(0);
                    }
                    if (u.has("input_tokens")) {
                        inputUsage = u;
                    }
                    String reason = finishReason(event.path("delta").path("stop_reason").asText(null));
                    if (reason == null) {
                        return List.of();
                    }
                    ObjectNode chunk = chunk();
                    ((ObjectNode) chunk.get("choices").get(0)).put("finish_reason", reason);
                    return List.of(chunk.toString());
                }
                case "message_stop" -> {
                    ObjectNode usage = (ObjectNode) usage();
                    if (!includeUsage) {
                        return List.of("[DONE]");
                    }
                    ObjectNode last = base();
                    last.putArray("choices");
                    last.set("usage", usage);
                    return List.of(last.toString(), "[DONE]");
                }
                case "error" -> {
                    JsonNode error = event.path("error");
                    ObjectNode out = JSON.createObjectNode();
                    out.putObject("error").put("message", error.path("message").asText("the provider's stream failed"))
                            .put("type", INSTANCE.errorType(data.getBytes(StandardCharsets.UTF_8)) == null
                                    ? "server_error" : INSTANCE.errorType(data.getBytes(StandardCharsets.UTF_8)))
                            .putNull("param").put("code", "provider_error");
                    return List.of(out.toString());
                }
                default -> {
                    return List.of();
                }
            }
        }

        /** The tokens counted so far (all of them after message_stop), or null before message_start. */
        @Override
        public JsonNode usage() {
            if (id.isEmpty()) {
                return null;
            }
            ObjectNode usage = AnthropicDialect.usage(inputUsage, outputTokens);
            return usage.put("completion_tokens", outputTokens).put("total_tokens",
                    usage.path("prompt_tokens").asLong() + outputTokens);
        }

        private String text(String text) {
            ObjectNode chunk = chunk();
            ((ObjectNode) chunk.get("choices").get(0).get("delta")).put("content", text);
            return chunk.toString();
        }

        private ObjectNode base() {
            return JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                    .put("model", model);
        }

        private ObjectNode chunk() {
            ObjectNode chunk = base();
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.putObject("delta");
            choice.putNull("finish_reason");
            return chunk;
        }
    }
}
