package io.modelcat.catalog.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.credentials.SecretCipher;
import io.modelcat.credentials.SecretStore;
import io.modelcat.testsupport.TestDatabase;
import io.modelcat.testsupport.llm.FakeLlmProvider;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LLM connections through the API: admins manage them, keys are never returned, inputs are checked, tests call. */
@MicronautTest(transactional = false)
class LlmConnectionsTest extends CatalogTestBase {

    private static final String KEY = "sk-fake-VerySecretKey123";
    private final FakeLlmProvider provider = FakeLlmProvider.start();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        properties.put("modelcat.secret-key", SecretCipher.generateKey());
        properties.put("modelcat.llm.max-retries", "0");
        return properties;
    }

    @BeforeEach
    void resetProvider() {
        provider.reset();
    }

    @AfterAll
    void stopProvider() {
        provider.close();
    }

    Map<String, Object> aConnection(String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("kind", "openai-compatible");
        body.put("baseUrl", provider.baseUrl() + "/");
        body.put("apiKey", KEY);
        body.put("headers", Map.of("X-Gateway", "team-a"));
        body.put("allowedModels", List.of("fake-small"));
        return body;
    }

    @Test
    void adminsCreateChangeAndRemoveConnectionsAndTheKeyIsNeverReturned() throws SQLException {
        ApiClient.Answer created = api.post("/api/v1/llm/connections", aConnection("hosted"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(KEY);
        assertThat(created.map()).containsEntry("name", "hosted").containsEntry("apiKeySet", true)
                .containsEntry("baseUrl", provider.baseUrl()).containsEntry("maxConcurrent", 8)
                .containsEntry("headers", Map.of("X-Gateway", "team-a"));
        assertThat(api.post("/api/v1/llm/connections", aConnection("hosted")).status()).isEqualTo(409);

        ApiClient.Answer listed = apiAs(Role.VIEWER).get("/api/v1/llm/connections");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(KEY);
        assertThat(listed.items()).extracting(i -> i.get("name")).containsExactly("hosted");
        assertThat(apiAs(Role.CONTRIBUTOR).get("/api/v1/llm/connections/hosted").map()).containsEntry("apiKeySet", true);
        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT ciphertext FROM secret WHERE name = 'llm-connection-hosted'")) {
            assertThat(rs.next()).isTrue();
            assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain("VerySecret");
        }

        ApiClient.Answer changed = api.patch("/api/v1/llm/connections/hosted",
                Map.of("allowedModels", List.of("fake-small", "fake-large"), "maxConcurrent", 2, "apiKey", ""));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.map()).containsEntry("apiKeySet", false).containsEntry("maxConcurrent", 2)
                .containsEntry("allowedModels", List.of("fake-small", "fake-large"));

        assertThat(api.delete("/api/v1/llm/connections/hosted").status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/llm/connections/hosted").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/llm/connections/hosted").status()).isEqualTo(404);
        String audit = api.get("/api/v1/audit?targetType=llm-connection&limit=50").body();
        assertThat(audit).contains("llm-connection.create", "llm-connection.update", "llm-connection.delete")
                .doesNotContain(KEY);
    }

    @Test
    void aKeyEncryptedUnderAnotherSecretKeyIsReportedNotSent() throws SQLException {
        assertThat(api.post("/api/v1/llm/connections", aConnection("hosted")).status()).isEqualTo(201);
        try (Connection c = TestDatabase.shared().dataSource().getConnection()) {
            new SecretStore(SecretCipher.of(SecretCipher.generateKey())).put(c, "llm-connection-hosted", "sk-other", "elsewhere");
        }
        ApiClient.Answer test = api.post("/api/v1/llm/connections/hosted/test", Map.of());
        assertThat(test.status()).isEqualTo(409);
        assertThat(test.body()).contains("set it again");
        ApiClient.Answer call = apiAs(Role.CONTRIBUTOR).post("/api/v1/llm/v1/chat/completions", Map.of("model",
                "hosted/fake-small", "messages", List.of(Map.of("role", "user", "content", "hi"))));
        assertThat(call.status()).isEqualTo(500);
        assertThat(call.body()).contains("\"code\":\"connection_key_unreadable\"");
        assertThat(provider.requests()).isEmpty();
    }

    @Test
    void onlyAdminsChangeConnections() {
        assertThat(apiAs(Role.CONTRIBUTOR).post("/api/v1/llm/connections", aConnection("hosted")).status()).isEqualTo(403);
        assertThat(api.post("/api/v1/llm/connections", aConnection("hosted")).status()).isEqualTo(201);
        assertThat(apiAs(Role.CONTRIBUTOR).patch("/api/v1/llm/connections/hosted", Map.of("maxConcurrent", 1)).status())
                .isEqualTo(403);
        assertThat(apiAs(Role.CONTRIBUTOR).delete("/api/v1/llm/connections/hosted").status()).isEqualTo(403);
        assertThat(apiAs(Role.CONTRIBUTOR).post("/api/v1/llm/connections/hosted/test", Map.of()).status()).isEqualTo(403);
        assertThat(apiAs(Role.VIEWER).get("/api/v1/llm/usage").status()).isEqualTo(403);
    }

    @Test
    void badInputsAreRefusedNamingTheField() {
        assertFieldRefused(Map.of("name", "Bad_Name"), "name");
        assertFieldRefused(Map.of("kind", "watsonx"), "kind");
        assertFieldRefused(Map.of("baseUrl", "ftp://example.com"), "baseUrl");
        assertFieldRefused(Map.of("allowedModels", List.of()), "allowedModels");
        assertFieldRefused(Map.of("maxConcurrent", 0), "maxConcurrent");
        assertFieldRefused(Map.of("headers", Map.of("Authorization", "Bearer x")), "headers");
        assertFieldRefused(Map.of("headers", Map.of("bad header", "x")), "headers");
        Map<String, Object> noUrl = aConnection("hosted");
        noUrl.remove("baseUrl");
        ApiClient.Answer answer = api.post("/api/v1/llm/connections", noUrl);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorFields()).containsExactly("baseUrl");
        Map<String, Object> ownWithKey = new HashMap<>(Map.of("name", "own", "kind", "modelcat", "endpoint", "chat",
                "apiKey", "x", "allowedModels", List.of("blue")));
        answer = api.post("/api/v1/llm/connections", ownWithKey);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorFields()).containsExactly("apiKey");
        ownWithKey.remove("apiKey");
        ownWithKey.remove("endpoint");
        assertThat(api.post("/api/v1/llm/connections", ownWithKey).errorFields()).containsExactly("endpoint");
        assertThat(api.get("/api/v1/llm/usage?since=yesterday").errorFields()).containsExactly("since");
        assertThat(api.get("/api/v1/llm/usage?limit=ten").errorFields()).containsExactly("limit");
        assertThat(api.get("/api/v1/llm/usage?limit=0").status()).isEqualTo(200);
    }

    private void assertFieldRefused(Map<String, Object> change, String field) {
        Map<String, Object> body = aConnection("hosted");
        body.putAll(change);
        ApiClient.Answer answer = api.post("/api/v1/llm/connections", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.errorFields()).as(answer.toString()).containsExactly(field);
        assertThat(answer.body()).doesNotContain(KEY);
    }

    @Test
    void theTestActionCallsTheProviderWithTheKeyAndHeadersAndSaysWhatItAnswered() {
        provider.requireKey(KEY);
        assertThat(api.post("/api/v1/llm/connections", aConnection("hosted")).status()).isEqualTo(201);
        ApiClient.Answer ok = api.post("/api/v1/llm/connections/hosted/test", Map.of());
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.map()).containsEntry("ok", true).containsEntry("providerStatus", 200)
                .containsEntry("models", List.of("fake-small", "fake-large"));
        FakeLlmProvider.RecordedCall sent = provider.requests("/v1/models").get(0);
        assertThat(sent.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(sent.header("X-Gateway")).isEqualTo("team-a");

        provider.requireKey("another-key");
        ApiClient.Answer refused = api.post("/api/v1/llm/connections/hosted/test", Map.of());
        assertThat(refused.map()).containsEntry("ok", false).containsEntry("providerStatus", 401);
        assertThat((String) refused.map().get("message")).contains("401").contains("Incorrect API key provided");

        Map<String, Object> nowhere = aConnection("nowhere");
        nowhere.put("baseUrl", "http://127.0.0.1:1/v1");
        assertThat(api.post("/api/v1/llm/connections", nowhere).status()).isEqualTo(201);
        ApiClient.Answer unreachable = api.post("/api/v1/llm/connections/nowhere/test", Map.of());
        assertThat(unreachable.map()).containsEntry("ok", false).doesNotContainKey("providerStatus");
        assertThat((String) unreachable.map().get("message")).contains("could not be reached");
        assertThat(api.post("/api/v1/llm/connections/missing/test", Map.of()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/audit?action=llm-connection.test").items()).hasSize(3);
    }
}
