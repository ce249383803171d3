package io.modelcat.catalog.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.store.llm.LlmConnections;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gemini on Google Vertex AI: the same {@code generateContent} bodies as Google's Gemini API, so the translation is
 * {@link GeminiDialect}'s, but under
 * {@code /v1/projects/<project>/locations/<location>/publishers/google/models/<model>:generateContent} (streamed as
 * {@code :streamGenerateContent?alt=sse}) with an OAuth access token minted from a service account key
 * ({@link GoogleServiceAccounts}) as {@code Authorization: Bearer}.
 */
final class VertexDialect implements ProviderDialect {

    static final VertexDialect INSTANCE = new VertexDialect();
    private static final String PUBLISHER_MODELS = "publishers/google/models/";
    private static final GeminiDialect GEMINI = GeminiDialect.INSTANCE;

    private VertexDialect() {
    }

    /** Vertex AI's URL for a location ({@code global} has no location prefix). */
    static String locationUrl(String location) {
        return location.equals("global") ? "https://aiplatform.googleapis.com"
                : "https://" + location + "-aiplatform.googleapis.com";
    }

    @Override
    public Optional<String> path(Operation operation, String model, LlmConnections.Settings settings, boolean stream) {
        if (operation != Operation.CHAT) {
            return Optional.empty();
        }
        String name = "/v1/projects/" + encode(settings.cloud().project()) + "/locations/"
                + encode(settings.cloud().location()) + "/" + PUBLISHER_MODELS + encode(model);
        return Optional.of(stream ? name + ":streamGenerateContent?alt=sse" : name + ":generateContent");
    }

    /** Google's published models (Vertex's Model Garden list), which a token with the cloud-platform scope may read. */
    @Override
    public String modelsPath(LlmConnections.Settings settings) {
        return "/v1beta1/publishers/google/models";
    }

    @Override
    public List<String> models(JsonNode answer) {
        List<String> models = new ArrayList<>();
        for (JsonNode m : answer.path("publisherModels")) {
            String name = m.path("name").asText();
            models.add(name.startsWith(PUBLISHER_MODELS) ? name.substring(PUBLISHER_MODELS.length()) : name);
        }
        return models;
    }

    @Override
    public Map<String, String> authHeaders(String key) {
        // The key is a service account's: it mints the access token each call carries (GoogleServiceAccounts).
        return Map.of();
    }

    @Override
    public Set<String> ownHeaders() {
        return Set.of("authorization", "x-goog-api-key");
    }

    @Override
    public ObjectNode request(Operation operation, ObjectNode openAi, String model) {
        return GEMINI.request(operation, openAi, model);
    }

    @Override
    public byte[] answer(Operation operation, byte[] body) {
        return GEMINI.answer(operation, body);
    }

    @Override
    public StreamTranslator streamTranslator(ObjectNode openAi) {
        return GEMINI.streamTranslator(openAi);
    }

    @Override
    public String errorType(byte[] body) {
        return GEMINI.errorType(body);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
