package io.modelcat.catalog.flow;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.llm.LlmCallException;
import io.modelcat.catalog.llm.LlmMesh;
import io.modelcat.jobs.flow.ChatModel;
import io.modelcat.jobs.flow.OpenAiChat;
import io.modelcat.jobs.spec.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A flow's calls made in this service through the LLM mesh, as the caller's (the interactive "run a row", and flow
 * deployments as their creator's). One is made per run: it remembers the status of its last failed call.
 */
final class MeshChat implements ChatModel {

    private final LlmMesh mesh;
    private final Caller caller;
    private int failedStatus;

    MeshChat(LlmMesh mesh, Caller caller) {
        this.mesh = mesh;
        this.caller = caller;
    }

    /** The mesh's HTTP status of the last call that failed; 0 while none has. */
    int failedStatus() {
        return failedStatus;
    }

    @Override
    public Reply chat(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens)
            throws LlmCallFailed {
        try {
            return answer(model, messages, temperature, maxTokens);
        } catch (LlmCallFailed e) {
            failedStatus = e.status();
            throw e;
        }
    }

    private Reply answer(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens)
            throws LlmCallFailed {
        byte[] body = OpenAiChat.request(model, messages, temperature, maxTokens).getBytes(StandardCharsets.UTF_8);
        LlmMesh.Outcome outcome;
        try {
            outcome = mesh.chat(caller, null, body);
        } catch (LlmCallException e) {
            throw new LlmCallFailed(e.status(), "the LLM mesh answered " + e.status() + ": " + e.getMessage());
        }
        if (!(outcome instanceof LlmMesh.Answer answer)) {
            throw new LlmCallFailed(502, "the provider streamed an answer that was not asked to be streamed");
        }
        if (answer.status() / 100 != 2) {
            throw new LlmCallFailed(answer.status(), "the provider answered " + answer.status());
        }
        return OpenAiChat.reply(answer.json(), answer.costUsd() == null ? null : answer.costUsd().doubleValue());
    }
}
