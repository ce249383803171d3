package io.modelcat.catalog.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.credentials.SecretCipher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The catalog cards of connections' models follow their connections through the API, in one transaction each. */
@MicronautTest(transactional = false)
class HostedModelCardsTest extends CatalogTestBase {

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        properties.put("modelcat.secret-key", SecretCipher.generateKey());
        return properties;
    }

    private static Map<String, Object> claude(List<String> models) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "claude");
        body.put("kind", "anthropic");
        body.put("description", "Our Anthropic account.");
        body.put("apiKey", "sk-ant-fake");
        body.put("allowedModels", models);
        body.put("prices", Map.of("claude-sonnet-4", Map.of("inputPerMillion", 3, "outputPerMillion", 15)));
        return body;
    }

    private List<Map<String, Object>> hostedCards(ApiClient client) {
        return client.get("/api/v1/models?limit=100&sort=name").items().stream()
                .filter(m -> "connection".equals(source(m).get("type"))).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> source(Map<String, Object> card) {
        return (Map<String, Object>) card.get("source");
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachAllowedModelIsACardThatFollowsItsConnection() {
        ApiClient viewer = apiAs(Role.VIEWER);
        assertThat(api.post("/api/v1/llm/connections", claude(List.of("claude-sonnet-4", "claude-haiku-4"))).status())
                .isEqualTo(201);

        List<Map<String, Object>> cards = hostedCards(viewer);
        assertThat(cards).extracting(c -> c.get("name")).containsExactly("claude-haiku-4", "claude-sonnet-4");
        Map<String, Object> sonnet = cards.get(1);
        assertThat(sonnet).containsEntry("task", "text-generation").containsEntry("publisher", "Anthropic")
                .containsEntry("license", "proprietary").containsEntry("status", "ready")
                .containsEntry("versionCount", 1);
        assertThat(source(sonnet)).containsEntry("repo", "claude/claude-sonnet-4");
        assertThat((Map<String, Object>) sonnet.get("hosted")).containsEntry("connection", "claude")
                .containsEntry("kind", "anthropic").containsEntry("model", "claude-sonnet-4")
                .containsEntry("meshModel", "claude/claude-sonnet-4").containsEntry("inputPerMillion", 3)
                .containsEntry("outputPerMillion", 15);
        // A list page carries the description's excerpt; the card itself has the whole description.
        assertThat(sonnet).doesNotContainKey("description").containsEntry("excerpt",
                "claude-sonnet-4, a hosted model served by Anthropic through the LLM connection claude (anthropic).");
        assertThat((String) viewer.get("/api/v1/models/" + sonnet.get("id")).map().get("description")).contains(
                "`claude/claude-sonnet-4`", "Our Anthropic account.",
                "Price: $3 per million input tokens, $15 per million output tokens");
        assertThat((Map<String, Object>) cards.get(0).get("hosted")).doesNotContainKey("inputPerMillion");
        // The Hub API serves files: a hosted model has none, so it is no repository there.
        ApiClient.Answer hub = api.get("/hub/api/models/claude/claude-sonnet-4");
        assertThat(hub.status()).isEqualTo(404);
        assertThat(hub.header("X-Error-Code")).isEqualTo("RepoNotFound");

        // Search, facets and the card's own page treat them as any card.
        assertThat(viewer.get("/api/v1/models?q=sonnet").items()).extracting(c -> c.get("name"))
                .containsExactly("claude-sonnet-4");
        assertThat(viewer.get("/api/v1/models?q=claude&task=text-generation").items()).hasSize(2);
        Map<String, Object> facets = (Map<String, Object>) viewer.get("/api/v1/models?facets=true&tag=hosted").map()
                .get("facets");
        assertThat((Map<String, Object>) facets.get("task")).containsEntry("text-generation", 2);
        String sonnetId = (String) sonnet.get("id");
        assertThat(viewer.get("/api/v1/models/" + sonnetId).map()).containsEntry("name", "claude-sonnet-4");

        // Changing the allowed models adds and removes cards; a kept card keeps its id, and a new price shows.
        ApiClient.Answer patched = api.patch("/api/v1/llm/connections/claude", Map.of(
                "allowedModels", List.of("claude-sonnet-4", "claude-opus-4"),
                "prices", Map.of("claude-sonnet-4", Map.of("inputPerMillion", 2.5, "outputPerMillion", 12))));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        cards = hostedCards(viewer);
        assertThat(cards).extracting(c -> c.get("name")).containsExactly("claude-opus-4", "claude-sonnet-4");
        assertThat(cards.get(1)).containsEntry("id", sonnetId);
        assertThat((String) viewer.get("/api/v1/models/" + sonnetId).map().get("description"))
                .contains("Price: $2.5 per million input tokens");

        // A refused change of the connection leaves its cards as they were.
        ApiClient.Answer refused = api.patch("/api/v1/llm/connections/claude", Map.of(
                "allowedModels", List.of("claude-3"), "prices", Map.of("claude-sonnet-4",
                        Map.of("inputPerMillion", 1, "outputPerMillion", 1))));
        assertThat(refused.errorFields()).containsExactly("prices");
        assertThat(hostedCards(viewer)).extracting(c -> c.get("name"))
                .containsExactly("claude-opus-4", "claude-sonnet-4");

        // The model API refuses to change or delete them: the connection owns them.
        ApiClient.Answer delete = api.delete("/api/v1/models/" + sonnetId);
        assertThat(delete.status()).isEqualTo(409);
        assertThat(delete.body()).contains("LLM connection 'claude'", "PATCH /api/v1/llm/connections/claude");
        ApiClient.Answer edit = api.patch("/api/v1/models/" + sonnetId, Map.of("version", cards.get(1).get("version"),
                "name", "renamed"));
        assertThat(edit.status()).isEqualTo(409);
        assertThat(api.post("/api/v1/models/" + sonnetId + "/versions", Map.of()).status()).isEqualTo(409);
        Map<String, Object> imitation = aModel("imitation");
        imitation.put("source", Map.of("type", "connection", "repo", "claude/fake"));
        assertThat(api.post("/api/v1/models", imitation).errorFields()).containsExactly("source.type");

        // Deleting the connection removes its cards with it.
        assertThat(api.delete("/api/v1/llm/connections/claude").status()).isEqualTo(204);
        assertThat(hostedCards(viewer)).isEmpty();
        assertThat(viewer.get("/api/v1/models/" + sonnetId).status()).isEqualTo(404);
        assertThat(viewer.get("/api/v1/models?q=sonnet").items()).isEmpty();
    }

    @Test
    void aModelcatConnectionAddsNoCardsItsEndpointsModelsHaveTheirOwn() {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "ours");
        body.put("kind", "modelcat");
        body.put("endpoint", "writer");
        body.put("allowedModels", List.of("blue"));
        ApiClient.Answer created = api.post("/api/v1/llm/connections", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(hostedCards(api)).isEmpty();
    }
}
