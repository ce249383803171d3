package io.modelcat.catalog.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.access.Role;
import io.modelcat.testsupport.llm.FakeAnthropic;
import io.modelcat.testsupport.llm.FakeGemini;
import io.modelcat.testsupport.llm.FakeLlmProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider kinds through the mesh, each against a local fake speaking that provider's documented shapes:
 * openai and mistral (OpenAI's protocol), azure-openai (deployments, api-version, api-key) and anthropic (the
 * Messages API, translated both ways, plain, streamed and failing).
 */
@MicronautTest(transactional = false)
class LlmProvidersTest extends LlmProviderTestBase {

    private static final String KEY = "sk-fake-ProviderKey789";
    private final FakeLlmProvider openAi = FakeLlmProvider.start();
    private final FakeAnthropic anthropic = FakeAnthropic.start();
    private final FakeGemini gemini = FakeGemini.start();

    @BeforeEach
    void resetFakes() {
        openAi.reset();
        anthropic.reset();
        gemini.reset();
    }

    @AfterAll
    void stopFakes() {
        openAi.close();
        anthropic.close();
        gemini.close();
    }

    private static Map<String, Object> connection(String name, String kind, Object... more) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "kind", kind, "apiKey", KEY));
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return body;
    }

    @Test
    void openAiAndMistralDefaultToTheirPublicApisAndCanBePointedElsewhere() {
        ApiClient.Answer byDefault = createConnection(connection("gpt", "openai", "allowedModels", List.of("gpt-4o-mini")));
        assertThat(byDefault.map()).containsEntry("baseUrl", "https://api.openai.com/v1");
        ApiClient.Answer mistralDefault = createConnection(connection("le-chat", "mistral", "allowedModels",
                List.of("mistral-small-latest")));
        assertThat(mistralDefault.map()).containsEntry("baseUrl", "https://api.mistral.ai/v1");

        openAi.requireKey(KEY);
        createConnection(connection("openai-here", "openai", "baseUrl", openAi.baseUrl(), "allowedModels", List.of("fake-small")));
        ApiClient.Answer answer = apiAs(Role.CONTRIBUTOR).post(CHAT, chat("openai-here/fake-small", false));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(openAi.requests("/v1/chat/completions").get(0).header("Authorization")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void aMistralStreamIsCountedFromItsLastChunkWithoutStreamOptions() throws Exception {
        openAi.mistralStyle();
        createConnection(connection("mistral-here", "mistral", "baseUrl", openAi.baseUrl(), "allowedModels",
                List.of("fake-small")));
        List<String> events = streamEvents(chat("mistral-here/fake-small", true));
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(openAi.requests("/v1/chat/completions").get(0).body()).doesNotContain("stream_options");
        assertThat(awaitCalls(1)).singleElement().satisfies(c -> assertThat(c).containsEntry("connection",
                "mistral-here").containsEntry("streamed", true).containsEntry("totalTokens", 5));
    }

    @Test
    void azureCallsGoToTheDeploymentWithTheApiVersionAndTheKeyAsApiKey() throws Exception {
        openAi.requireKey(KEY).models(List.of("gpt4o-prod", "ada-embed"));
        createConnection(connection("azure", "azure-openai", "baseUrl", openAi.resourceUrl(), "apiVersion", "2024-10-21",
                "headers", Map.of("Ocp-Apim-Subscription-Key", "gateway-1"),
                "allowedModels", List.of("gpt4o-prod", "ada-embed")));
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        ApiClient.Answer answer = contributor.post(CHAT, chat("azure/gpt4o-prod", false));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.body()).contains("echo: hello there");
        FakeLlmProvider.RecordedCall sent = openAi.requests("/openai/deployments/gpt4o-prod/chat/completions").get(0);
        assertThat(sent.query()).isEqualTo("api-version=2024-10-21");
        assertThat(sent.header("api-key")).isEqualTo(KEY);
        assertThat(sent.header("Authorization")).isNull();
        assertThat(sent.header("Ocp-Apim-Subscription-Key")).isEqualTo("gateway-1");
        assertThat(sent.body()).doesNotContain("\"model\"");

        List<String> events = streamEvents(chat("azure/gpt4o-prod", true));
        assertThat(String.join("", events)).contains("echo:");
        ApiClient.Answer embedded = contributor.post("/api/v1/llm/v1/embeddings", Map.of("model", "azure/ada-embed",
                "input", List.of("one two", "three")));
        assertThat(embedded.status()).as(embedded.toString()).isEqualTo(200);
        assertThat(embedded.body()).contains("\"object\":\"embedding\"");
        assertThat(openAi.requests("/openai/deployments/ada-embed/embeddings").get(0).query())
                .isEqualTo("api-version=2024-10-21");

        ApiClient.Answer test = api.post("/api/v1/llm/connections/azure/test", Map.of());
        assertThat(test.map()).as(test.toString()).containsEntry("ok", true)
                .containsEntry("models", List.of("gpt4o-prod", "ada-embed"));
        assertThat(openAi.requests("/openai/models").get(0).query()).isEqualTo("api-version=2024-10-21");
        assertThat(awaitCalls(3)).allSatisfy(c -> assertThat(c).containsEntry("status", 200));

        // Azure's own error shape ({"error": {"code", "message"}}) comes back in OpenAI's, its status kept.
        assertThat(api.patch("/api/v1/llm/connections/azure", Map.of("allowedModels", List.of("gpt4o-prod",
                "ada-embed", "retired"))).status()).isEqualTo(200);
        ApiClient.Answer gone = contributor.post(CHAT, chat("azure/retired", false));
        assertThat(gone.status()).isEqualTo(404);
        assertError(gone, "invalid_request_error", "The API deployment for this resource does not exist.");
        openAi.requireKey("rotated");
        ApiClient.Answer denied = contributor.post(CHAT, chat("azure/gpt4o-prod", false));
        assertThat(denied.status()).isEqualTo(401);
        assertError(denied, "authentication_error", "Access denied");
    }

    @Test
    void eachKindIsCheckedNamingTheField() {
        assertRefused(connection("az", "azure-openai", "baseUrl", "https://r.openai.azure.com",
                "allowedModels", List.of("d")), "apiVersion");
        assertRefused(connection("az", "azure-openai", "apiVersion", "2024-10-21", "allowedModels", List.of("d")),
                "baseUrl");
        assertRefused(connection("az", "azure-openai", "baseUrl", "https://r.openai.azure.com", "apiVersion", "bad v",
                "allowedModels", List.of("d")), "apiVersion");
        assertRefused(connection("oa", "openai", "apiVersion", "2024-10-21", "allowedModels", List.of("m")),
                "apiVersion");
        assertRefused(connection("oa", "openai", "endpoint", "writer", "allowedModels", List.of("m")), "endpoint");
        assertRefused(connection("az", "azure-openai", "baseUrl", "https://r.openai.azure.com", "apiVersion",
                "2024-10-21", "headers", Map.of("api-key", "x"), "allowedModels", List.of("d")), "headers");
        assertRefused(connection("cl", "anthropic", "headers", Map.of("X-Api-Key", "x"), "allowedModels",
                List.of("m")), "headers");
        assertRefused(connection("cl", "anthropic", "headers", Map.of("anthropic-version", "2020-01-01"),
                "allowedModels", List.of("m")), "headers");
        assertRefused(connection("cl", "watsonx", "allowedModels", List.of("m")), "kind");
        assertRefused(connection("ge", "gemini", "headers", Map.of("x-goog-api-key", "x"), "allowedModels",
                List.of("m")), "headers");
        assertThat(api.get("/api/v1/llm/connections").items()).isEmpty();
    }

    private void assertRefused(Map<String, Object> body, String field) {
        ApiClient.Answer answer = api.post("/api/v1/llm/connections", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.errorFields()).as(answer.toString()).containsExactly(field);
        assertThat(answer.body()).doesNotContain(KEY);
    }

    @Test
    void anthropicAnswersAreTranslatedToOpenAisShape() throws Exception {
        anthropic.requireKey(KEY);
        createConnection(connection("claude", "anthropic", "baseUrl", anthropic.baseUrl(), "allowedModels",
                List.of("claude-fake-haiku")));
        ApiClient.Answer answer = apiAs(Role.CONTRIBUTOR).post(CHAT, chat("claude/claude-fake-haiku", false,
                "temperature", 0.5, "stop", "END", "max_tokens", 50));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode completion = mapper.readTree(answer.body());
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("choices").get(0).path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(completion.path("choices").get(0).path("message").path("content").asText())
                .isEqualTo("echo: hello there");
        assertThat(completion.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.path("usage").path("prompt_tokens").asInt()).isEqualTo(2);
        assertThat(completion.path("usage").path("completion_tokens").asInt()).isEqualTo(3);
        assertThat(completion.path("usage").path("total_tokens").asInt()).isEqualTo(5);

        FakeLlmProvider.RecordedCall sent = anthropic.requests().get(0);
        assertThat(sent.path()).isEqualTo("/v1/messages");
        assertThat(sent.header("x-api-key")).isEqualTo(KEY);
        assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.header("Authorization")).isNull();
        JsonNode body = mapper.readTree(sent.body());
        assertThat(body.path("system").asText()).isEqualTo("Be brief.");
        assertThat(body.path("messages")).hasSize(1);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(50);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(body.path("stop_sequences").get(0).asText()).isEqualTo("END");
        assertThat(body.has("stop")).isFalse();

        // Without max_tokens the mesh sends its default (Anthropic requires one); a short one is answered 'length'.
        ApiClient.Answer cut = apiAs(Role.CONTRIBUTOR).post(CHAT, Map.of("model", "claude/claude-fake-haiku",
                "messages", List.of(Map.of("role", "user", "content", List.of(Map.of("type", "text", "text",
                        "one two three four")))), "max_completion_tokens", 2));
        assertThat(cut.status()).as(cut.toString()).isEqualTo(200);
        assertThat(mapper.readTree(cut.body()).path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        apiAs(Role.CONTRIBUTOR).post(CHAT, Map.of("model", "claude/claude-fake-haiku", "messages",
                List.of(Map.of("role", "user", "content", "hi"))));
        assertThat(mapper.readTree(anthropic.requests().get(2).body()).path("max_tokens").asInt())
                .isEqualTo(AnthropicDialect.DEFAULT_MAX_TOKENS);

        ApiClient.Answer test = api.post("/api/v1/llm/connections/claude/test", Map.of());
        assertThat(test.map()).containsEntry("ok", true).containsEntry("models",
                List.of("claude-fake-haiku", "claude-fake-sonnet"));
        assertThat(awaitCalls(3)).anySatisfy(c -> assertThat(c).containsEntry("totalTokens", 5));
    }

    @Test
    void anthropicStreamsBecomeOpenAiChunksEndingWithTheUsage() throws Exception {
        createConnection(connection("claude", "anthropic", "baseUrl", anthropic.baseUrl(), "allowedModels",
                List.of("claude-fake-haiku")));
        List<String> events = streamEvents(chat("claude/claude-fake-haiku", true));
        Streamed streamed = read(events);
        assertThat(streamed.error()).isNull();
        assertThat(mapper.readTree(events.get(0)).path("choices").get(0).path("delta").path("role").asText())
                .isEqualTo("assistant");
        assertThat(streamed.text()).isEqualTo("echo: hello there");
        assertThat(streamed.finish()).isEqualTo("stop");
        assertThat(streamed.usage()).isNotNull();
        assertThat(streamed.usage().path("prompt_tokens").asInt()).isEqualTo(2);
        assertThat(streamed.usage().path("completion_tokens").asInt()).isEqualTo(3);
        assertThat(streamed.usage().path("total_tokens").asInt()).isEqualTo(5);
        assertThat(mapper.readTree(anthropic.requests().get(0).body()).path("stream").asBoolean()).isTrue();
        assertThat(awaitCalls(1)).singleElement().satisfies(c -> assertThat(c).containsEntry("streamed", true)
                .containsEntry("totalTokens", 5));

        // A caller that turns the usage chunk off gets none, and the call is still counted.
        List<String> quiet = streamEvents(chat("claude/claude-fake-haiku", true, "stream_options",
                Map.of("include_usage", false)));
        assertThat(quiet).noneMatch(e -> e.contains("\"usage\""));
        assertThat(awaitCalls(2)).allSatisfy(c -> assertThat(c).containsEntry("totalTokens", 5));
    }

    @Test
    void anthropicErrorsComeBackInOpenAisShape() throws Exception {
        createConnection(connection("claude", "anthropic", "baseUrl", anthropic.baseUrl(), "allowedModels",
                List.of("claude-fake-haiku", "claude-gone")));
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        ApiClient.Answer missing = contributor.post(CHAT, chat("claude/claude-gone", false));
        assertThat(missing.status()).isEqualTo(404);
        assertError(missing, "invalid_request_error", "model: claude-gone");

        anthropic.failNext(2, 529, null);
        ApiClient.Answer overloaded = contributor.post(CHAT, chat("claude/claude-fake-haiku", false));
        assertThat(overloaded.status()).as(overloaded.toString()).isEqualTo(503);
        assertError(overloaded, "server_error", "answered 529");
        assertThat(anthropic.requests()).hasSize(3);

        anthropic.failNext(1, 429, 60);
        ApiClient.Answer limited = contributor.post(CHAT, chat("claude/claude-fake-haiku", false));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("60");
        assertError(limited, "rate_limit_error", "The fake Anthropic fails this call with 429");

        anthropic.requireKey("another");
        ApiClient.Answer refused = contributor.post(CHAT, chat("claude/claude-fake-haiku", false));
        assertThat(refused.status()).isEqualTo(401);
        assertError(refused, "authentication_error", "invalid x-api-key");

        ApiClient.Answer tool = contributor.post(CHAT, Map.of("model", "claude/claude-fake-haiku", "messages",
                List.of(Map.of("role", "tool", "content", "42", "tool_call_id", "c1"))));
        assertThat(tool.status()).isEqualTo(400);
        assertThat(mapper.readTree(tool.body()).path("error").path("param").asText()).isEqualTo("messages");
        ApiClient.Answer badMax = contributor.post(CHAT, chat("claude/claude-fake-haiku", false, "max_tokens", "many"));
        assertThat(badMax.status()).isEqualTo(400);
        assertThat(mapper.readTree(badMax.body()).path("error").path("param").asText()).isEqualTo("max_tokens");
        ApiClient.Answer embeddings = contributor.post("/api/v1/llm/v1/embeddings", Map.of("model",
                "claude/claude-fake-haiku", "input", "hi"));
        assertThat(embeddings.status()).isEqualTo(400);
        assertThat(mapper.readTree(embeddings.body()).path("error").path("code").asText())
                .isEqualTo("unsupported_operation");
        assertThat(anthropic.requests()).hasSize(5);

        anthropic.requireKey(null).breakStreams();
        List<String> broken = streamEvents(chat("claude/claude-fake-haiku", true));
        assertThat(broken).last().satisfies(e -> assertThat(mapper.readTree(e).path("error").path("message").asText())
                .isEqualTo("Overloaded"));
    }

    @Test
    void geminiIsCalledThroughGenerateContentAndAnswersInOpenAisShape() throws Exception {
        gemini.requireKey(KEY);
        ApiClient.Answer created = createConnection(connection("gem", "gemini", "allowedModels",
                List.of("gemini-fake-flash", "gemini-gone")));
        assertThat(created.map()).containsEntry("baseUrl", "https://generativelanguage.googleapis.com/v1beta");
        assertThat(api.patch("/api/v1/llm/connections/gem", Map.of("baseUrl", gemini.baseUrl())).status()).isEqualTo(200);
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        ApiClient.Answer answer = contributor.post(CHAT, chat("gem/gemini-fake-flash", false, "temperature", 0.2,
                "max_tokens", 2, "stop", List.of("END")));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode completion = mapper.readTree(answer.body());
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("choices").get(0).path("message").path("content").asText()).isEqualTo("echo: hello");
        assertThat(completion.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(completion.path("usage").path("total_tokens").asInt()).isEqualTo(4);
        FakeLlmProvider.RecordedCall sent = gemini.requests().get(0);
        assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-fake-flash:generateContent");
        assertThat(sent.header("x-goog-api-key")).isEqualTo(KEY);
        assertThat(sent.header("Authorization")).isNull();
        JsonNode body = mapper.readTree(sent.body());
        assertThat(body.path("systemInstruction").path("parts").get(0).path("text").asText()).isEqualTo("Be brief.");
        assertThat(body.path("contents")).hasSize(1);
        assertThat(body.path("contents").get(0).path("role").asText()).isEqualTo("user");
        assertThat(body.path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(2);
        assertThat(body.path("generationConfig").path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.path("generationConfig").path("stopSequences").get(0).asText()).isEqualTo("END");

        Streamed streamed = stream(chat("gem/gemini-fake-flash", true));
        assertThat(gemini.requests().get(1).path()).isEqualTo("/v1beta/models/gemini-fake-flash:streamGenerateContent");
        assertThat(gemini.requests().get(1).query()).isEqualTo("alt=sse");
        assertThat(streamed.error()).isNull();
        assertThat(streamed.text()).isEqualTo("echo: hello there");
        assertThat(streamed.finish()).isEqualTo("stop");
        assertThat(streamed.usage()).isNotNull();
        assertThat(streamed.usage().path("total_tokens").asInt()).isEqualTo(5);

        ApiClient.Answer test = api.post("/api/v1/llm/connections/gem/test", Map.of());
        assertThat(test.map()).containsEntry("ok", true).containsEntry("models",
                List.of("gemini-fake-flash", "gemini-fake-pro"));
        assertThat(awaitCalls(2)).anySatisfy(c -> assertThat(c).containsEntry("streamed", true)
                .containsEntry("totalTokens", 5));

        ApiClient.Answer missing = contributor.post(CHAT, chat("gem/gemini-gone", false));
        assertThat(missing.status()).isEqualTo(404);
        assertError(missing, "invalid_request_error", "models/gemini-gone is not found");
        gemini.failNext(2, 429);
        ApiClient.Answer exhausted = contributor.post(CHAT, chat("gem/gemini-fake-flash", false));
        assertThat(exhausted.status()).isEqualTo(429);
        assertError(exhausted, "rate_limit_error", "The fake Gemini fails this call with 429");
        gemini.requireKey("another");
        ApiClient.Answer refused = contributor.post(CHAT, chat("gem/gemini-fake-flash", false));
        assertThat(refused.status()).isEqualTo(400);
        assertError(refused, "invalid_request_error", "API key not valid");
        ApiClient.Answer embeddings = contributor.post("/api/v1/llm/v1/embeddings", Map.of("model",
                "gem/gemini-fake-flash", "input", "hi"));
        assertThat(mapper.readTree(embeddings.body()).path("error").path("code").asText())
                .isEqualTo("unsupported_operation");
    }
}
