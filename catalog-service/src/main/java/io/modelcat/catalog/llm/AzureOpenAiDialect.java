package io.modelcat.catalog.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.store.llm.LlmConnections;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Azure OpenAI: OpenAI's bodies, but the model is a deployment named in the path
 * ({@code /openai/deployments/<deployment>/chat/completions?api-version=<v>}) and the key goes as {@code api-key}.
 */
final class AzureOpenAiDialect implements ProviderDialect {

    static final AzureOpenAiDialect INSTANCE = new AzureOpenAiDialect();

    private AzureOpenAiDialect() {
    }

    @Override
    public Optional<String> path(Operation operation, String deployment, LlmConnections.Settings settings,
                                 boolean stream) {
        return Optional.of("/openai/deployments/" + encode(deployment) + operation.openAiPath() + "?api-version="
                + encode(settings.apiVersion()));
    }

    @Override
    public String modelsPath(LlmConnections.Settings settings) {
        return "/openai/models?api-version=" + encode(settings.apiVersion());
    }

    @Override
    public Map<String, String> authHeaders(String key) {
        return Map.of("api-key", key);
    }

    @Override
    public Set<String> ownHeaders() {
        return Set.of("api-key");
    }

    @Override
    public ObjectNode request(Operation operation, ObjectNode openAi, String deployment) {
        ObjectNode body = openAi.deepCopy();
        // The deployment in the path chooses the model; Azure's bodies carry none.
        body.remove("model");
        OpenAiDialect.askStreamUsage(body);
        return body;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
