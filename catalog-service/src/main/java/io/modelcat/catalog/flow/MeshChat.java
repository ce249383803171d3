package io.modelcat.catalog.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.llm.LlmCallException;
import io.modelcat.catalog.llm.LlmMesh;
import io.modelcat.jobs.flow.ChatModel;
import io.modelcat.jobs.spec.ChatMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A flow's calls made in this service through the LLM mesh, as the caller's (the interactive "run a row"). */
final class MeshChat implements ChatModel {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LlmMesh mesh;
    private final Caller caller;

    MeshChat(LlmMesh mesh, Caller caller) {
        this.mesh = mesh;
        this.caller = caller;
    }

    @Override
    public Reply chat(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens)
            throws LlmCallFailed {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        messages.forEach(m -> body.withArray("messages").addObject().put("role", m.role()).put("content", m.content()));
        if (temperature != null) {
            body.put("temperature", temperature);
        }
        if (maxTokens != null) {
            body.put("max_tokens", maxTokens);
        }
        LlmMesh.Outcome outcome;
        try {
            outcome = mesh.chat(caller, null, body.toString().getBytes(StandardCharsets.UTF_8));
        } catch (LlmCallException e) {
            throw new LlmCallFailed(e.status(), "the LLM mesh answered " + e.status() + ": " + e.getMessage());
        }
        if (!(outcome instanceof LlmMesh.Answer answer)) {
            throw new LlmCallFailed(502, "the provider streamed an answer that was not asked to be streamed");
        }
        try {
            JsonNode json = JSON.readTree(answer.json());
            if (answer.status() / 100 != 2) {
                throw new LlmCallFailed(answer.status(), "the provider answered " + answer.status());
            }
            JsonNode content = json.path("choices").path(0).path("message").path("content");
            JsonNode usage = json.path("usage");
            return new Reply(content.isTextual() ? content.asText() : "", usage.path("prompt_tokens").asLong(0),
                    usage.path("completion_tokens").asLong(0));
        } catch (IOException e) {
            throw new LlmCallFailed(502, "the provider's answer is not a chat completion: " + e.getMessage());
        }
    }
}
