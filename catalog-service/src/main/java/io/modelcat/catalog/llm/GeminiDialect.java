package io.modelcat.catalog.llm;

import static io.modelcat.catalog.llm.MessageContent.text;
import static io.modelcat.catalog.llm.MessageContent.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.store.llm.LlmConnections;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Google's Gemini API ({@code POST /models/<model>:generateContent}, streamed as
 * {@code :streamGenerateContent?alt=sse}, the key as {@code x-goog-api-key}): OpenAI's chat requests become
 * {@code contents} with a {@code systemInstruction} and a {@code generationConfig}; candidates, finish reasons,
 * {@code usageMetadata} and Google's errors come back in OpenAI's shapes.
 */
final class GeminiDialect implements ProviderDialect {

    static final GeminiDialect INSTANCE = new GeminiDialect();
    private static final ObjectMapper JSON = new ObjectMapper();

    private GeminiDialect() {
    }

    @Override
    public Optional<String> path(Operation operation, String model, LlmConnections.Settings settings, boolean stream) {
        if (operation != Operation.CHAT) {
            return Optional.empty();
        }
        String name = "/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20");
        return Optional.of(stream ? name + ":streamGenerateContent?alt=sse" : name + ":generateContent");
    }

    @Override
    public String modelsPath(LlmConnections.Settings settings) {
        return "/models";
    }

    @Override
    public List<String> models(JsonNode answer) {
        List<String> models = new ArrayList<>();
        for (JsonNode m : answer.path("models")) {
            String name = m.path("name").asText();
            models.add(name.startsWith("models/") ? name.substring("models/".length()) : name);
        }
        return models;
    }

    @Override
    public Map<String, String> authHeaders(String key) {
        return Map.of("x-goog-api-key", key);
    }

    @Override
    public Set<String> ownHeaders() {
        return Set.of("x-goog-api-key");
    }

    @Override
    public ObjectNode request(Operation operation, ObjectNode openAi, String model) {
        ObjectNode out = JSON.createObjectNode();
        List<String> system = new ArrayList<>();
        ArrayNode contents = JSON.createArrayNode();
        for (JsonNode m : openAi.path("messages")) {
            String role = m.path("role").asText("");
            switch (role) {
                case "system", "developer" -> system.add(text(m.path("content")));
                case "user", "assistant" -> contents.addObject().put("role", role.equals("user") ? "user" : "model")
                        .putArray("parts").addObject().put("text", text(m.path("content")));
                default -> throw LlmCallException.invalid("messages", "unsupported_message", "a gemini connection "
                        + "takes system, user and assistant messages; '" + role + "' is not translated");
            }
        }
        if (contents.isEmpty()) {
            throw LlmCallException.invalid("messages", "invalid_messages", "a gemini connection needs at least one "
                    + "user or assistant message besides the system ones");
        }
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").putArray("parts").addObject().put("text", String.join("\n\n", system));
        }
        out.set("contents", contents);
        for (String unsupported : List.of("tools", "functions", "response_format", "logprobs")) {
            if (openAi.hasNonNull(unsupported)) {
                throw LlmCallException.invalid(unsupported, "unsupported_parameter", "'" + unsupported + "' is not "
                        + "translated for gemini connections");
            }
        }
        ObjectNode config = JSON.createObjectNode();
        copy(openAi, "temperature", config, "temperature");
        copy(openAi, "top_p", config, "topP");
        copy(openAi, "n", config, "candidateCount");
        copy(openAi, "seed", config, "seed");
        copy(openAi, openAi.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", config,
                "maxOutputTokens");
        JsonNode stop = openAi.path("stop");
        if (stop.isTextual()) {
            config.putArray("stopSequences").add(stop.asText());
        } else if (stop.isArray() && !stop.isEmpty()) {
            config.set("stopSequences", stop);
        }
        if (!config.isEmpty()) {
            out.set("generationConfig", config);
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
        ObjectNode out = JSON.createObjectNode().put("id", "chatcmpl-" + answer.path("responseId").asText("gemini"))
                .put("object", "chat.completion").put("created", Instant.now().getEpochSecond())
                .put("model", answer.path("modelVersion").asText(""));
        ArrayNode choices = out.putArray("choices");
        int index = 0;
        for (JsonNode candidate : answer.path("candidates")) {
            ObjectNode choice = choices.addObject().put("index", candidate.path("index").asInt(index++));
            choice.putObject("message").put("role", "assistant").put("content", partsText(candidate));
            choice.put("finish_reason", finishReason(candidate.path("finishReason").asText(null)));
        }
        out.set("usage", usage(answer.path("usageMetadata")));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String partsText(JsonNode candidate) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.path("text").isTextual() && !part.path("thought").asBoolean(false)) {
                text.append(part.path("text").asText());
            }
        }
        return text.toString();
    }

    private static ObjectNode usage(JsonNode metadata) {
        long prompt = metadata.path("promptTokenCount").asLong(0);
        long completion = metadata.path("candidatesTokenCount").asLong(0) + metadata.path("thoughtsTokenCount").asLong(0);
        return JSON.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", metadata.path("totalTokenCount").asLong(prompt + completion));
    }

    static String finishReason(String reason) {
        if (reason == null || reason.isEmpty() || reason.equals("FINISH_REASON_UNSPECIFIED")) {
            return null;
        }
        return switch (reason) {
            case "STOP" -> "stop";
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> "stop";
        };
    }

    @Override
    public String errorType(byte[] body) {
        String status;
        try {
            status = JSON.readTree(body).path("error").path("status").asText(null);
        } catch (IOException e) {
            return null;
        }
        if (status == null) {
            return null;
        }
        return switch (status) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "NOT_FOUND", "OUT_OF_RANGE" -> "invalid_request_error";
            case "UNAUTHENTICATED" -> "authentication_error";
            case "PERMISSION_DENIED" -> "permission_error";
            case "RESOURCE_EXHAUSTED" -> "rate_limit_error";
            default -> "server_error";
        };
    }

    @Override
    public StreamTranslator streamTranslator(ObjectNode openAi) {
        return new Events(StreamTranslator.includesUsage(openAi));
    }

    /**
     * Gemini's stream (each event a partial GenerateContentResponse, usageMetadata on the last, no end marker) as
     * OpenAI's chat.completion.chunk events, ending with a usage chunk (when asked for) and {@code [DONE]}.
     */
    private static final class Events implements StreamTranslator {

        private final boolean includeUsage;
        private final long created = Instant.now().getEpochSecond();
        private String id;
        private String model = "";
        private JsonNode usage;
        private boolean started;

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
            if (event.has("error")) {
                JsonNode error = event.path("error");
                ObjectNode out = JSON.createObjectNode();
                String type = INSTANCE.errorType(data.getBytes(StandardCharsets.UTF_8));
                out.putObject("error").put("message", error.path("message").asText("the provider's stream failed"))
                        .put("type", type == null ? "server_error" : type).putNull("param").put("code", "provider_error");
                return List.of(out.toString());
            }
            if (id == null) {
                id = "chatcmpl-" + event.path("responseId").asText("gemini");
            }
            model = event.path("modelVersion").asText(model);
            if (event.path("usageMetadata").isObject()) {
                usage = GeminiDialect.usage(event.path("usageMetadata"));
            }
            List<String> out = new ArrayList<>();
            for (JsonNode candidate : event.path("candidates")) {
                ObjectNode chunk = base();
                ObjectNode choice = chunk.putArray("choices").addObject().put("index", candidate.path("index").asInt(0));
                ObjectNode delta = choice.putObject("delta");
                if (!started) {
                    delta.put("role", "assistant");
                }
                delta.put("content", partsText(candidate));
                String reason = finishReason(candidate.path("finishReason").asText(null));
                if (reason == null) {
                    choice.putNull("finish_reason");
                } else {
                    choice.put("finish_reason", reason);
                }
                out.add(chunk.toString());
            }
            started |= !out.isEmpty();
            return out;
        }

        @Override
        public List<String> end() {
            return StreamTranslator.done(includeUsage, usage, this::base);
        }

        @Override
        public JsonNode usage() {
            return usage;
        }

        private ObjectNode base() {
            return JSON.createObjectNode().put("id", id == null ? "chatcmpl-gemini" : id)
                    .put("object", "chat.completion.chunk").put("created", created).put("model", model);
        }
    }
}
