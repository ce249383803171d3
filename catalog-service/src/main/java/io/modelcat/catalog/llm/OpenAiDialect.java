package io.modelcat.catalog.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.store.llm.LlmConnections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OpenAI's own protocol, which OpenAI, Mistral, vLLM, TGI, Ollama and ModelCat's endpoints speak: the body goes as
 * sent with {@code model} rewritten, the key as {@code Authorization: Bearer}, answers and events come back as they are.
 */
final class OpenAiDialect implements ProviderDialect {

    /** OpenAI and servers that copy it: chat, completions and embeddings, usage asked for at the end of streams. */
    static final OpenAiDialect FULL = new OpenAiDialect(EnumSet.allOf(Operation.class), true);
    /** Mistral: chat and embeddings; its streams end with their usage unasked, and it has no {@code stream_options}. */
    static final OpenAiDialect MISTRAL = new OpenAiDialect(EnumSet.of(Operation.CHAT, Operation.EMBEDDINGS), false);
    /** ModelCat's online endpoints: chat and completions (docs/deployments.md). */
    static final OpenAiDialect MODELCAT = new OpenAiDialect(EnumSet.of(Operation.CHAT, Operation.COMPLETIONS), true);

    private final Set<Operation> operations;
    private final boolean asksStreamUsage;

    private OpenAiDialect(Set<Operation> operations, boolean asksStreamUsage) {
        this.operations = operations;
        this.asksStreamUsage = asksStreamUsage;
    }

    @Override
    public Optional<String> path(Operation operation, String model, LlmConnections.Settings settings,
                                 boolean stream) {
        return operations.contains(operation) ? Optional.of(operation.openAiPath()) : Optional.empty();
    }

    @Override
    public String modelsPath(LlmConnections.Settings settings) {
        return "/models";
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
        ObjectNode body = openAi.deepCopy();
        body.put("model", model);
        if (asksStreamUsage) {
            askStreamUsage(body);
        } else {
            body.remove("stream_options");
        }
        return body;
    }

    /** Asks for the usage chunk at the end of a stream (unless the caller said otherwise), so streams are counted. */
    static void askStreamUsage(ObjectNode body) {
        if (body.path("stream").asBoolean(false) && !body.has("stream_options")) {
            body.putObject("stream_options").put("include_usage", true);
        }
    }
}
