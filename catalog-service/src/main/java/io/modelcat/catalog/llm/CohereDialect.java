package io.modelcat.catalog.llm;

import static io.modelcat.catalog.llm.MessageContent.text;
import static io.modelcat.catalog.llm.MessageContent.copy;

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
 * Cohere's v2 API ({@code POST /v2/chat}, streamed as server-sent events {@code message-start},
 * {@code content-delta}, {@code message-end}, ...; {@code POST /v2/embed}; {@code GET /v1/models}; the key as
 * {@code Authorization: Bearer}): OpenAI's chat and embedding requests become Cohere's, and the answers, stream events
 * and usage ({@code billed_units}) come back in OpenAI's shapes.
 */
final class CohereDialect implements ProviderDialect {

    static final CohereDialect INSTANCE = new CohereDialect();
    /** What {@code input_type} is when the caller sets none (Cohere's v3+ embedding models require one). */
    static final String DEFAULT_INPUT_TYPE = "search_document";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CohereDialect() {
    }

    @Override
    public Optional<String> path(Operation operation, String model, LlmConnections.Settings settings, boolean stream) {
        return switch (operation) {
            case CHAT -> Optional.of("/v2/chat");
            case EMBEDDINGS -> Optional.of("/v2/embed");
            case COMPLETIONS -> Optional.empty();
        };
    }

    @Override
    public String modelsPath(LlmConnections.Settings settings) {
        return "/v1/models";
    }

    @Override
    public List<String> models(JsonNode answer) {
        List<String> models = new ArrayList<>();
        answer.path("models").forEach(m -> models.add(m.path("name").asText()));
        return models;
    }

    @Override
    public Map<String, String> authHeaders(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }

    @Override
    public Set<String> ownHeaders() {
        return Set.of("authorization");
    }

    @Override
    public ObjectNode request(Operation operation, ObjectNode openAi, String model) {
        return operation == Operation.EMBEDDINGS ? embedRequest(openAi, model) : chatRequest(openAi, model);
    }

    private static ObjectNode chatRequest(ObjectNode openAi, String model) {
        ObjectNode out = JSON.createObjectNode().put("model", model);
        ArrayNode messages = out.putArray("messages");
        boolean spoken = false;
        for (JsonNode m : openAi.path("messages")) {
            String role = m.path("role").asText("");
            switch (role) {
                case "system", "developer" -> messages.addObject().put("role", "system").put("content",
                        text(m.path("content")));
                case "user", "assistant" -> {
                    messages.addObject().put("role", role).put("content", text(m.path("content")));
                    spoken = true;
                }
                default -> throw LlmCallException.invalid("messages", "unsupported_message", "a cohere connection "
                        + "takes system, user and assistant messages; '" + role + "' is not translated");
            }
        }
        if (!spoken) {
            throw LlmCallException.invalid("messages", "invalid_messages", "a cohere connection needs at least one "
                    + "user or assistant message besides the system ones");
        }
        for (String unsupported : List.of("tools", "functions", "logprobs")) {
            if (openAi.hasNonNull(unsupported)) {
                throw LlmCallException.invalid(unsupported, "unsupported_parameter", "'" + unsupported + "' is not "
                        + "translated for cohere connections");
            }
        }
        JsonNode format = openAi.path("response_format");
        if (format.isObject() && !"text".equals(format.path("type").asText())) {
            throw LlmCallException.invalid("response_format", "unsupported_parameter", "'response_format' other than "
                    + "text is not translated for cohere connections");
        }
        if (openAi.hasNonNull("n") && openAi.path("n").asInt() != 1) {
            throw LlmCallException.invalid("n", "unsupported_parameter", "a cohere connection answers one choice");
        }
        if (openAi.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        copy(openAi, openAi.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", out,
                "max_tokens");
        copy(openAi, "temperature", out, "temperature");
        copy(openAi, "top_p", out, "p");
        copy(openAi, "seed", out, "seed");
        copy(openAi, "frequency_penalty", out, "frequency_penalty");
        copy(openAi, "presence_penalty", out, "presence_penalty");
        JsonNode stop = openAi.path("stop");
        if (stop.isTextual()) {
            out.putArray("stop_sequences").add(stop.asText());
        } else if (stop.isArray() && !stop.isEmpty()) {
            out.set("stop_sequences", stop);
        }
        return out;
    }

    private static ObjectNode embedRequest(ObjectNode openAi, String model) {
        ObjectNode out = JSON.createObjectNode().put("model", model);
        ArrayNode texts = out.putArray("texts");
        JsonNode input = openAi.path("input");
        for (JsonNode text : input.isArray() ? input : JSON.createArrayNode().add(input)) {
            if (!text.isTextual()) {
                throw LlmCallException.invalid("input", "invalid_value", "a cohere connection embeds texts: 'input' "
                        + "must be a string or a list of strings, not tokens");
            }
            texts.add(text);
        }
        JsonNode inputType = openAi.path("input_type");
        out.put("input_type", inputType.isTextual() ? inputType.asText() : DEFAULT_INPUT_TYPE);
        out.putArray("embedding_types").add("float");
        copy(openAi, "dimensions", out, "output_dimension");
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
            ArrayNode data = out.putArray("data");
            int index = 0;
            for (JsonNode vector : answer.path("embeddings").path("float")) {
                data.addObject().put("object", "embedding").put("index", index++).set("embedding", vector);
            }
            long tokens = answer.path("meta").path("billed_units").path("input_tokens").asLong(0);
            out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }
        ObjectNode out = JSON.createObjectNode().put("id", "chatcmpl-" + answer.path("id").asText("cohere"))
                .put("object", "chat.completion").put("created", Instant.now().getEpochSecond());
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        StringBuilder text = new StringBuilder();
        for (JsonNode block : answer.path("message").path("content")) {
            if (block.path("text").isTextual()) {
                text.append(block.path("text").asText());
            }
        }
        choice.putObject("message").put("role", "assistant").put("content", text.toString());
        choice.put("finish_reason", finishReason(answer.path("finish_reason").asText(null)));
        out.set("usage", usage(answer.path("usage")));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String finishReason(String reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "MAX_TOKENS" -> "length";
            case "TOOL_CALL" -> "tool_calls";
            default -> "stop";
        };
    }

    /** Cohere's usage: the billed units (what its prices apply to), else the tokens it counted. */
    private static ObjectNode usage(JsonNode usage) {
        JsonNode units = usage.path("billed_units").isObject() ? usage.path("billed_units") : usage.path("tokens");
        long prompt = units.path("input_tokens").asLong(0);
        long completion = units.path("output_tokens").asLong(0);
        return JSON.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    @Override
    public StreamTranslator streamTranslator(ObjectNode openAi) {
        return new Events(StreamTranslator.includesUsage(openAi));
    }

    /**
     * Cohere's chat stream ({@code message-start}, {@code content-delta}, {@code message-end} with the finish reason
     * and usage; the others dropped) as OpenAI's chat.completion.chunk events, ending with a usage chunk (when asked
     * for) and {@code [DONE]}.
     */
    private static final class Events implements StreamTranslator {

        private final boolean includeUsage;
        private final long created = Instant.now().getEpochSecond();
        private String id = "chatcmpl-cohere";
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
            switch (event.path("type").asText()) {
                case "message-start" -> {
                    id = "chatcmpl-" + event.path("id").asText("cohere");
                    return List.of(chunk(JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
                }
                case "content-delta" -> {
                    JsonNode text = event.path("delta").path("message").path("content").path("text");
                    return text.isTextual() ? List.of(chunk(JSON.createObjectNode().put("content", text.asText()), null))
                            : List.of();
                }
                case "message-end" -> {
                    JsonNode delta = event.path("delta");
                    usage = CohereDialect.usage(delta.path("usage"));
                    String reason = finishReason(delta.path("finish_reason").asText("COMPLETE"));
                    if ("ERROR".equals(delta.path("finish_reason").asText())) {
                        ObjectNode error = JSON.createObjectNode();
                        error.putObject("error").put("message", delta.path("error").asText("the provider's stream "
                                + "failed")).put("type", "server_error").putNull("param").put("code", "provider_error");
                        return List.of(error.toString());
                    }
                    return List.of(chunk(JSON.createObjectNode(), reason));
                }
                default -> {
                    return List.of();
                }
            }
        }

        @Override
        public List<String> end() {
            return StreamTranslator.done(includeUsage, usage, this::base);
        }

        @Override
        public JsonNode usage() {
            return usage;
        }

        private String chunk(ObjectNode delta, String finishReason) {
            ObjectNode chunk = base();
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.set("delta", delta);
            if (finishReason == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finishReason);
            }
            return chunk.toString();
        }

        private ObjectNode base() {
            return JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                    .put("model", "");
        }
    }
}
