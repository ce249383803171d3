package io.modelcat.jobs.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.jobs.spec.ChatMessage;
import java.util.List;

/**
 * A flow step's call in OpenAI's chat completion shape, as the LLM mesh takes it, and the answer read back: the one
 * place both callers of the mesh (catalog-service in-process, runners over HTTP) write and read it.
 */
public final class OpenAiChat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiChat() {
    }

    /** The request body; unset settings are left out (the provider's defaults apply). */
    public static String request(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens) {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        messages.forEach(m -> body.withArray("messages").addObject().put("role", m.role()).put("content", m.content()));
        if (temperature != null) {
            body.put("temperature", temperature);
        }
        if (maxTokens != null) {
            body.put("max_tokens", maxTokens);
        }
        return body.toString();
    }

    /**
     * The first choice's text and the tokens of a chat completion, with the cost the mesh estimated (null: none); an
     * answer that is not one fails the call.
     */
    public static ChatModel.Reply reply(String json, Double costUsd) throws ChatModel.LlmCallFailed {
        JsonNode answer;
        try {
            answer = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ChatModel.LlmCallFailed(502, "the answer is not a chat completion: " + e.getOriginalMessage());
        }
        JsonNode content = answer.path("choices").path(0).path("message").path("content");
        JsonNode usage = answer.path("usage");
        return new ChatModel.Reply(content.isTextual() ? content.asText() : "", usage.path("prompt_tokens").asLong(0),
                usage.path("completion_tokens").asLong(0), costUsd);
    }
}
