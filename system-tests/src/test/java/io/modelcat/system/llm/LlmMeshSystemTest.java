package io.modelcat.system.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.ReferencePython;
import io.modelcat.testsupport.llm.FakeLlmProvider;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The LLM mesh of a running catalog-service, driven by the real OpenAI Python SDK ({@code reference/tests/
 * test_llm_mesh.py}) with a contributor's API token as its key, through a connection to a local fake provider.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LlmMeshSystemTest {

    private static final String PROVIDER_KEY = "sk-system-test-provider-key";

    private FakeLlmProvider provider;
    private RunningSystem system;

    @BeforeAll
    void start() {
        provider = FakeLlmProvider.start().requireKey(PROVIDER_KEY);
        system = new RunningSystem();
    }

    @AfterAll
    void stop() {
        system.close();
        provider.close();
    }

    @Test
    void theOpenAiSdkCallsAConnectionThroughTheMesh() {
        RunningSystem.Answer created = system.post("/api/v1/llm/connections", Map.of("name", "fake",
                "kind", "openai-compatible", "baseUrl", provider.baseUrl(), "apiKey", PROVIDER_KEY,
                "headers", Map.of("X-Team", "system-tests"), "allowedModels", List.of("fake-small")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(PROVIDER_KEY);
        RunningSystem.Answer tested = system.post("/api/v1/llm/connections/fake/test", Map.of());
        assertThat(tested.map()).as(tested.body()).containsEntry("ok", true);

        Map<String, String> env = new HashMap<>();
        env.put("MODELCAT_LLM_BASE_URL", system.base().resolve("/api/v1/llm/v1").toString());
        env.put("MODELCAT_LLM_TOKEN", tokenOf("llm-notebook", "contributor"));
        env.put("MODELCAT_LLM_MODEL", "fake/fake-small");
        env.put("MODELCAT_LLM_REFUSED_MODEL", "fake/fake-large");
        String output = ReferencePython.run(Duration.ofMinutes(3), env, "-m", "pytest", "-v", "-p", "no:cacheprovider",
                "reference/tests/test_llm_mesh.py");
        assertThat(output).contains("6 passed").doesNotContain("skipped");

        // Two calls of the openai SDK, two of LangChain's ChatOpenAI (a plain call and a stream each).
        assertThat(provider.requests("/v1/chat/completions")).hasSize(4).allSatisfy(r -> {
            assertThat(r.header("Authorization")).isEqualTo("Bearer " + PROVIDER_KEY);
            assertThat(r.header("X-Team")).isEqualTo("system-tests");
        });
        RunningSystem.Answer usage = system.get("/api/v1/llm/usage");
        assertThat(usage.status()).isEqualTo(200);
        assertThat(usage.body()).contains("\"username\":\"llm-notebook\"").contains("\"totalTokens\":28");
    }

    /** A new account of {@code role} and a personal API token of it, made by the admin. */
    private String tokenOf(String username, String role) {
        RunningSystem.Answer user = system.post("/api/v1/users", Map.of("username", username, "role", role));
        assertThat(user.status()).as(user.body()).isEqualTo(201);
        RunningSystem.Answer token = system.post("/api/v1/users/" + user.map().get("id") + "/tokens",
                Map.of("name", "openai"));
        assertThat(token.status()).as(token.body()).isEqualTo(201);
        return (String) token.map().get("value");
    }
}
