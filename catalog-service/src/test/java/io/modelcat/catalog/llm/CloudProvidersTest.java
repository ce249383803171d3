package io.modelcat.catalog.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.access.Role;
import io.modelcat.testsupport.llm.FakeBedrock;
import io.modelcat.testsupport.llm.FakeCohere;
import io.modelcat.testsupport.llm.FakeLlmProvider;
import io.modelcat.testsupport.llm.FakeVertex;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cloud provider kinds through the mesh, each against a local fake that checks its credentials as the provider
 * does: bedrock (Converse and ConverseStream's event stream, every request's SigV4 signature recomputed by the
 * fake, Titan embeddings), vertex (Gemini's bodies under Vertex's paths, access tokens minted from a service account
 * key at the key's token endpoint and reused) and cohere (v2 chat and embed, its stream events, billed units).
 */
@MicronautTest(transactional = false)
class CloudProvidersTest extends LlmProviderTestBase {

    private static final String EMBEDDINGS = "/api/v1/llm/v1/embeddings";
    private static final String CLAUDE = "anthropic.claude-fake-v1:0";
    private static final String TITAN = "amazon.titan-embed-text-v2:0";
    private static final String COHERE_KEY = "co-fake-Key123";
    private final FakeBedrock bedrock = FakeBedrock.start();
    private final FakeVertex vertex = FakeVertex.start();
    private final FakeCohere cohere = FakeCohere.start();

    @BeforeEach
    void resetFakes() {
        bedrock.reset();
        vertex.reset();
        cohere.reset();
    }

    @AfterAll
    void stopFakes() {
        bedrock.close();
        vertex.close();
        cohere.close();
    }

    private static Map<String, Object> body(Object... pairs) {
        Map<String, Object> body = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            body.put((String) pairs[i], pairs[i + 1]);
        }
        return body;
    }

    private Map<String, Object> bedrockConnection(String name) {
        return body("name", name, "kind", "bedrock", "region", FakeBedrock.REGION, "accessKeyId",
                FakeBedrock.ACCESS_KEY_ID, "apiKey", FakeBedrock.SECRET_ACCESS_KEY, "allowedModels",
                List.of(CLAUDE, TITAN), "prices", Map.of(CLAUDE, Map.of("inputPerMillion", 3, "outputPerMillion", 15)));
    }

    @Test
    void bedrockCallsAreSignedWithSigV4AndTranslatedFromConverse() throws Exception {
        ApiClient.Answer created = createConnection(bedrockConnection("aws"));
        assertThat(created.map()).containsEntry("baseUrl", "https://bedrock-runtime.us-east-1.amazonaws.com")
                .containsEntry("region", "us-east-1").containsEntry("accessKeyId", FakeBedrock.ACCESS_KEY_ID)
                .containsEntry("apiKeySet", true);
        assertThat(created.body()).doesNotContain(FakeBedrock.SECRET_ACCESS_KEY);
        assertThat(api.patch("/api/v1/llm/connections/aws", Map.of("baseUrl", bedrock.baseUrl())).status())
                .isEqualTo(200);
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);

        ApiClient.Answer answer = contributor.post(CHAT, chat("aws/" + CLAUDE, false, "max_tokens", 2,
                "temperature", 0.3, "stop", "END"));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode completion = mapper.readTree(answer.body());
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("choices").get(0).path("message").path("content").asText()).isEqualTo("echo: hello");
        assertThat(completion.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(completion.path("usage").path("prompt_tokens").asInt()).isEqualTo(2);
        assertThat(completion.path("usage").path("total_tokens").asInt()).isEqualTo(4);
        // 2 input tokens at $3 and 2 output tokens at $15 a million.
        assertThat(answer.header("X-ModelCat-Cost-Usd")).isEqualTo("0.000036");
        FakeLlmProvider.RecordedCall sent = bedrock.requests().get(0);
        assertThat(sent.path()).isEqualTo("/model/" + CLAUDE + "/converse");
        assertThat(sent.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + FakeBedrock.ACCESS_KEY_ID
                + "/").contains("/us-east-1/bedrock/aws4_request");
        assertThat(sent.headers().values()).noneMatch(v -> v.contains(FakeBedrock.SECRET_ACCESS_KEY));
        JsonNode converse = mapper.readTree(sent.body());
        assertThat(converse.has("model")).isFalse();
        assertThat(converse.path("system").get(0).path("text").asText()).isEqualTo("Be brief.");
        assertThat(converse.path("messages")).hasSize(1);
        assertThat(converse.path("messages").get(0).path("content").get(0).path("text").asText())
                .isEqualTo("hello there");
        assertThat(converse.path("inferenceConfig").path("maxTokens").asInt()).isEqualTo(2);
        assertThat(converse.path("inferenceConfig").path("stopSequences").get(0).asText()).isEqualTo("END");

        Streamed streamed = stream(chat("aws/" + CLAUDE, true));
        assertThat(bedrock.requests().get(1).path()).isEqualTo("/model/" + CLAUDE + "/converse-stream");
        assertThat(streamed.text()).isEqualTo("echo: hello there");
        assertThat(streamed.finish()).isEqualTo("stop");
        assertThat(streamed.usage().path("total_tokens").asInt()).isEqualTo(5);
        assertThat(awaitCalls(2)).anySatisfy(c -> assertThat(c).containsEntry("streamed", true)
                .containsEntry("totalTokens", 5).containsEntry("connection", "aws"));

        ApiClient.Answer embedded = contributor.post(EMBEDDINGS, Map.of("model", "aws/" + TITAN, "input",
                List.of("hi there")));
        assertThat(embedded.status()).as(embedded.toString()).isEqualTo(200);
        JsonNode embedding = mapper.readTree(embedded.body());
        assertThat(embedding.path("data").get(0).path("embedding")).hasSize(8);
        assertThat(embedding.path("usage").path("prompt_tokens").asInt()).isEqualTo(2);
        assertThat(mapper.readTree(bedrock.requests().get(2).body()).path("inputText").asText()).isEqualTo("hi there");
        ApiClient.Answer two = contributor.post(EMBEDDINGS, Map.of("model", "aws/" + TITAN, "input", List.of("a", "b")));
        assertThat(two.status()).isEqualTo(400);
        assertError(two, "invalid_request_error", "one text a call");
        ApiClient.Answer notTitan = contributor.post(EMBEDDINGS, Map.of("model", "aws/" + CLAUDE, "input", "hi"));
        assertThat(mapper.readTree(notTitan.body()).path("error").path("code").asText())
                .isEqualTo("unsupported_operation");

        ApiClient.Answer test = api.post("/api/v1/llm/connections/aws/test", Map.of());
        assertThat(test.map()).as(test.toString()).containsEntry("ok", true).containsEntry("models", List.of(CLAUDE, TITAN));
        assertThat(bedrock.requests()).last().satisfies(r -> assertThat(r.path()).isEqualTo("/foundation-models"));
    }

    @Test
    void bedrockFailuresComeBackInOpenAisShape() throws Exception {
        createConnection(bedrockConnection("aws-fail"));
        assertThat(api.patch("/api/v1/llm/connections/aws-fail", Map.of("baseUrl", bedrock.baseUrl())).status())
                .isEqualTo(200);
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        bedrock.failNext(2, 429);
        ApiClient.Answer throttled = contributor.post(CHAT, chat("aws-fail/" + CLAUDE, false));
        assertThat(throttled.status()).isEqualTo(429);
        assertError(throttled, "rate_limit_error", "The fake Bedrock fails this call with 429");
        bedrock.failNext(1, 400);
        ApiClient.Answer invalid = contributor.post(CHAT, chat("aws-fail/" + CLAUDE, false));
        assertThat(invalid.status()).isEqualTo(400);
        assertError(invalid, "invalid_request_error", "answered 400: The fake Bedrock fails this call with 400");

        bedrock.breakStreams();
        Streamed broken = stream(chat("aws-fail/" + CLAUDE, true));
        assertThat(broken.error().path("message").asText()).isEqualTo("The fake model failed mid-stream");
        assertThat(broken.error().path("type").asText()).isEqualTo("server_error");

        // A signature made with another secret is refused by the fake's own check, as AWS refuses it.
        assertThat(api.patch("/api/v1/llm/connections/aws-fail", Map.of("apiKey", "not/the+secret")).status())
                .isEqualTo(200);
        ApiClient.Answer forged = contributor.post(CHAT, chat("aws-fail/" + CLAUDE, false));
        assertThat(forged.status()).isEqualTo(403);
        assertError(forged, "permission_error", "The request signature we calculated does not match");
        ApiClient.Answer test = api.post("/api/v1/llm/connections/aws-fail/test", Map.of());
        assertThat(test.map()).containsEntry("ok", false).containsEntry("providerStatus", 403);
        assertThat(api.patch("/api/v1/llm/connections/aws-fail", Map.of("apiKey", FakeBedrock.SECRET_ACCESS_KEY,
                "region", "eu-west-1")).status()).isEqualTo(200);
        ApiClient.Answer elsewhere = contributor.post(CHAT, chat("aws-fail/" + CLAUDE, false));
        assertThat(elsewhere.status()).isEqualTo(403);
        assertError(elsewhere, "permission_error", "Credential should be scoped to a valid region");
    }

    @Test
    void eachCloudKindIsCheckedNamingTheField() {
        assertRefused(body("name", "br", "kind", "bedrock", "accessKeyId", FakeBedrock.ACCESS_KEY_ID,
                "allowedModels", List.of(CLAUDE)), "region");
        assertRefused(body("name", "br", "kind", "bedrock", "region", "us-east-1", "allowedModels", List.of(CLAUDE)),
                "accessKeyId");
        assertRefused(body("name", "br", "kind", "bedrock", "region", "US East", "accessKeyId",
                FakeBedrock.ACCESS_KEY_ID, "allowedModels", List.of(CLAUDE)), "region");
        assertRefused(body("name", "oa", "kind", "openai", "region", "us-east-1", "allowedModels", List.of("m")),
                "region");
        assertRefused(body("name", "br", "kind", "bedrock", "region", "us-east-1", "accessKeyId",
                FakeBedrock.ACCESS_KEY_ID, "headers", Map.of("X-Amz-Date", "x"), "allowedModels", List.of(CLAUDE)),
                "headers");
        assertRefused(body("name", "vx", "kind", "vertex", "location", "us-central1", "allowedModels",
                List.of("gemini-fake-flash")), "project");
        assertRefused(body("name", "vx", "kind", "vertex", "project", FakeVertex.PROJECT, "allowedModels",
                List.of("gemini-fake-flash")), "location");
        assertRefused(body("name", "vx", "kind", "vertex", "project", FakeVertex.PROJECT, "location", "us-central1",
                "apiKey", "{\"type\": \"authorized_user\"}", "allowedModels", List.of("gemini-fake-flash")), "apiKey");
        assertRefused(body("name", "vx", "kind", "vertex", "project", FakeVertex.PROJECT, "location", "us-central1",
                "apiKey", "not json", "allowedModels", List.of("gemini-fake-flash")), "apiKey");
        assertRefused(body("name", "vx", "kind", "vertex", "project", FakeVertex.PROJECT, "location", "us-central1",
                "apiKey", vertex.serviceAccountKey().replace("PRIVATE KEY-----\\n", "PRIVATE KEY-----\\nAAAA"),
                "allowedModels", List.of("gemini-fake-flash")), "apiKey");
        assertRefused(body("name", "co", "kind", "cohere", "project", FakeVertex.PROJECT, "allowedModels",
                List.of("command-fake")), "project");
        assertThat(api.get("/api/v1/llm/connections").items()).isEmpty();
    }

    private void assertRefused(Map<String, Object> body, String field) {
        ApiClient.Answer answer = api.post("/api/v1/llm/connections", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.errorFields()).as(answer.toString()).containsExactly(field);
        assertThat(answer.body()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void vertexCallsCarryATokenMintedFromTheServiceAccountKeyAndReuseIt() throws Exception {
        ApiClient.Answer created = createConnection(body("name", "gcp", "kind", "vertex", "project",
                FakeVertex.PROJECT, "location", FakeVertex.LOCATION, "apiKey", vertex.serviceAccountKey(),
                "allowedModels", List.of("gemini-fake-flash", "gemini-gone")));
        assertThat(created.map()).containsEntry("baseUrl", "https://us-central1-aiplatform.googleapis.com")
                .containsEntry("project", FakeVertex.PROJECT).containsEntry("location", FakeVertex.LOCATION);
        assertThat(created.body()).doesNotContain("PRIVATE KEY");
        assertThat(api.patch("/api/v1/llm/connections/gcp", Map.of("baseUrl", vertex.baseUrl())).status())
                .isEqualTo(200);
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);

        ApiClient.Answer answer = contributor.post(CHAT, chat("gcp/gemini-fake-flash", false, "max_tokens", 2));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode completion = mapper.readTree(answer.body());
        assertThat(completion.path("choices").get(0).path("message").path("content").asText()).isEqualTo("echo: hello");
        assertThat(completion.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(completion.path("usage").path("total_tokens").asInt()).isEqualTo(4);
        List<FakeLlmProvider.RecordedCall> sent = vertex.requests();
        assertThat(sent.get(0).path()).isEqualTo("/token");
        assertThat(sent.get(1).path()).isEqualTo("/v1/projects/" + FakeVertex.PROJECT + "/locations/"
                + FakeVertex.LOCATION + "/publishers/google/models/gemini-fake-flash:generateContent");
        assertThat(sent.get(1).header("Authorization")).isEqualTo("Bearer ya29.fake-1");
        JsonNode generate = mapper.readTree(sent.get(1).body());
        assertThat(generate.path("systemInstruction").path("parts").get(0).path("text").asText()).isEqualTo("Be brief.");
        assertThat(generate.path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(2);

        Streamed streamed = stream(chat("gcp/gemini-fake-flash", true));
        assertThat(vertex.requests()).last().satisfies(r -> assertThat(r.query()).isEqualTo("alt=sse"));
        assertThat(streamed.text()).isEqualTo("echo: hello there");
        assertThat(streamed.usage().path("total_tokens").asInt()).isEqualTo(5);
        ApiClient.Answer test = api.post("/api/v1/llm/connections/gcp/test", Map.of());
        assertThat(test.map()).as(test.toString()).containsEntry("ok", true).containsEntry("models",
                List.of("gemini-fake-flash", "gemini-fake-pro"));
        // One token served the three calls: it is kept until shortly before it expires.
        assertThat(vertex.tokensIssued()).isEqualTo(1);
        assertThat(awaitCalls(2)).anySatisfy(c -> assertThat(c).containsEntry("streamed", true)
                .containsEntry("totalTokens", 5));

        ApiClient.Answer missing = contributor.post(CHAT, chat("gcp/gemini-gone", false));
        assertThat(missing.status()).isEqualTo(404);
        assertError(missing, "invalid_request_error", "models/gemini-gone is not found");
        vertex.failNext(2, 429);
        ApiClient.Answer exhausted = contributor.post(CHAT, chat("gcp/gemini-fake-flash", false));
        assertThat(exhausted.status()).isEqualTo(429);
        assertError(exhausted, "rate_limit_error", "fails this call with 429");

        // Tokens that expire within the library's refresh margin are minted again for each call.
        vertex.tokenLifetime(60);
        createConnection(body("name", "gcp-short", "kind", "vertex", "project", FakeVertex.PROJECT, "location",
                FakeVertex.LOCATION, "baseUrl", vertex.baseUrl(), "apiKey", vertex.serviceAccountKey(),
                "allowedModels", List.of("gemini-fake-flash")));
        int before = vertex.tokensIssued();
        assertThat(contributor.post(CHAT, chat("gcp-short/gemini-fake-flash", false)).status()).isEqualTo(200);
        assertThat(contributor.post(CHAT, chat("gcp-short/gemini-fake-flash", false)).status()).isEqualTo(200);
        assertThat(vertex.tokensIssued()).isEqualTo(before + 2);
        assertThat(contributor.post(CHAT, chat("gcp/gemini-fake-flash", false)).status()).isEqualTo(200);
        assertThat(vertex.tokensIssued()).isEqualTo(before + 2);

        assertThat(api.patch("/api/v1/llm/connections/gcp", Map.of("apiKey", vertex.foreignServiceAccountKey()))
                .status()).isEqualTo(200);
        ApiClient.Answer refused = contributor.post(CHAT, chat("gcp/gemini-fake-flash", false));
        assertThat(refused.status()).isEqualTo(502);
        assertError(refused, "api_connection_error", "could not get an access token for its service account");
        ApiClient.Answer failedTest = api.post("/api/v1/llm/connections/gcp/test", Map.of());
        assertThat(failedTest.map()).containsEntry("ok", false);
        assertThat((String) failedTest.map().get("message")).contains("could not get an access token");
        assertThat(api.patch("/api/v1/llm/connections/gcp", Map.of("project", "another-project")).status())
                .isEqualTo(200);
        assertThat(api.patch("/api/v1/llm/connections/gcp", Map.of("apiKey", vertex.serviceAccountKey())).status())
                .isEqualTo(200);
        ApiClient.Answer denied = contributor.post(CHAT, chat("gcp/gemini-fake-flash", false));
        assertThat(denied.status()).isEqualTo(403);
        assertError(denied, "permission_error", "Permission denied on resource project another-project");
    }

    @Test
    void cohereChatAndEmbeddingsAreTranslatedAndCountedInBilledUnits() throws Exception {
        cohere.requireKey(COHERE_KEY);
        ApiClient.Answer created = createConnection(body("name", "co", "kind", "cohere", "apiKey", COHERE_KEY,
                "allowedModels", List.of("command-fake", "embed-fake-v3.0", "command-gone")));
        assertThat(created.map()).containsEntry("baseUrl", "https://api.cohere.com");
        assertThat(api.patch("/api/v1/llm/connections/co", Map.of("baseUrl", cohere.baseUrl())).status())
                .isEqualTo(200);
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);

        ApiClient.Answer answer = contributor.post(CHAT, chat("co/command-fake", false, "max_tokens", 2, "top_p", 0.9,
                "stop", List.of("END")));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode completion = mapper.readTree(answer.body());
        assertThat(completion.path("choices").get(0).path("message").path("content").asText()).isEqualTo("echo: hello");
        assertThat(completion.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        // The billed units (2 in, 2 out), not the tokens Cohere counted with its prompt template.
        assertThat(completion.path("usage").path("prompt_tokens").asInt()).isEqualTo(2);
        assertThat(completion.path("usage").path("total_tokens").asInt()).isEqualTo(4);
        FakeLlmProvider.RecordedCall sent = cohere.requests().get(0);
        assertThat(sent.path()).isEqualTo("/v2/chat");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer " + COHERE_KEY);
        JsonNode request = mapper.readTree(sent.body());
        assertThat(request.path("model").asText()).isEqualTo("command-fake");
        assertThat(request.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(request.path("max_tokens").asInt()).isEqualTo(2);
        assertThat(request.path("p").asDouble()).isEqualTo(0.9);
        assertThat(request.path("stop_sequences").get(0).asText()).isEqualTo("END");

        Streamed streamed = stream(chat("co/command-fake", true));
        assertThat(mapper.readTree(cohere.requests().get(1).body()).path("stream").asBoolean()).isTrue();
        assertThat(streamed.text()).isEqualTo("echo: hello there");
        assertThat(streamed.finish()).isEqualTo("stop");
        assertThat(streamed.usage().path("total_tokens").asInt()).isEqualTo(5);
        assertThat(awaitCalls(2)).anySatisfy(c -> assertThat(c).containsEntry("streamed", true)
                .containsEntry("totalTokens", 5));

        ApiClient.Answer embedded = contributor.post(EMBEDDINGS, Map.of("model", "co/embed-fake-v3.0", "input",
                List.of("one two", "three")));
        assertThat(embedded.status()).as(embedded.toString()).isEqualTo(200);
        JsonNode embeddings = mapper.readTree(embedded.body());
        assertThat(embeddings.path("data")).hasSize(2);
        assertThat(embeddings.path("data").get(1).path("index").asInt()).isEqualTo(1);
        assertThat(embeddings.path("data").get(0).path("embedding")).hasSize(4);
        assertThat(embeddings.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
        JsonNode embed = mapper.readTree(cohere.requests().get(2).body());
        assertThat(embed.path("input_type").asText()).isEqualTo("search_document");
        assertThat(embed.path("texts")).hasSize(2);

        ApiClient.Answer test = api.post("/api/v1/llm/connections/co/test", Map.of());
        assertThat(test.map()).containsEntry("ok", true).containsEntry("models", List.of("command-fake",
                "embed-fake-v3.0"));
        ApiClient.Answer gone = contributor.post(CHAT, chat("co/command-gone", false));
        assertThat(gone.status()).isEqualTo(404);
        assertError(gone, "invalid_request_error", "model 'command-gone' not found");
        cohere.failNext(2, 429);
        ApiClient.Answer limited = contributor.post(CHAT, chat("co/command-fake", false));
        assertThat(limited.status()).isEqualTo(429);
        assertError(limited, "rate_limit_error", "The fake Cohere fails this call with 429");
        ApiClient.Answer completions = contributor.post("/api/v1/llm/v1/completions", Map.of("model",
                "co/command-fake", "prompt", "hi"));
        assertThat(mapper.readTree(completions.body()).path("error").path("code").asText())
                .isEqualTo("unsupported_operation");
        ApiClient.Answer tools = contributor.post(CHAT, chat("co/command-fake", false, "tools", List.of(Map.of())));
        assertThat(tools.status()).isEqualTo(400);
        assertThat(mapper.readTree(tools.body()).path("error").path("param").asText()).isEqualTo("tools");
        cohere.requireKey("rotated");
        ApiClient.Answer denied = contributor.post(CHAT, chat("co/command-fake", false));
        assertThat(denied.status()).isEqualTo(401);
        assertError(denied, "authentication_error", "invalid api token");
    }
}
