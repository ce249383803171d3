package io.modelcat.catalog.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.access.Role;
import io.modelcat.testsupport.TestDatabase;
import jakarta.inject.Inject;
import io.modelcat.testsupport.llm.FakeLlmProvider;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LLM mesh through real HTTP, against a local fake provider: forwarding, streaming, retries, errors, usage, limits. */
@MicronautTest(transactional = false)
class LlmMeshTest extends LlmProviderTestBase {

    private static final String KEY = "sk-fake-MeshKey456";
    private final FakeLlmProvider provider = FakeLlmProvider.start();

    /** Two retries: the retry tests need a second one. */
    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        properties.put("modelcat.llm.max-retries", "2");
        return properties;
    }

    @Inject
    CallSlots slots;

    @BeforeEach
    void connect() {
        provider.reset();
        Map<String, Object> body = new HashMap<>();
        body.put("name", "hosted");
        body.put("kind", "openai-compatible");
        body.put("baseUrl", provider.baseUrl());
        body.put("apiKey", KEY);
        body.put("headers", Map.of("X-Gateway", "team-a"));
        body.put("allowedModels", List.of("fake-small"));
        body.put("maxConcurrent", 1);
        createConnection(body);
    }

    @AfterAll
    void stopProvider() {
        provider.close();
    }

    /** A chat body with one user message (no system message, unlike {@link #chat(String, boolean, Object...)}). */
    private static Map<String, Object> userChat(String model, boolean stream) {
        return Map.of("model", model, "stream", stream,
                "messages", List.of(Map.of("role", "user", "content", "hello there")));
    }

    @Test
    void aCallIsForwardedWithTheConnectionsKeyAndHeadersAndItsUsageRecorded() {
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        ApiClient.Answer answer = contributor.post(CHAT, userChat("hosted/fake-small", false));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.body()).contains("\"content\":\"echo: hello there\"").contains("\"object\":\"chat.completion\"");

        FakeLlmProvider.RecordedCall sent = provider.requests("/v1/chat/completions").get(0);
        assertThat(sent.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(sent.header("X-Gateway")).isEqualTo("team-a");
        assertThat(sent.body()).contains("\"model\":\"fake-small\"").doesNotContain(account(Role.CONTRIBUTOR).token());

        ApiClient.Answer usage = api.get("/api/v1/llm/usage");
        assertThat(usage.status()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> totals = (List<Map<String, Object>>) usage.map().get("totals");
        assertThat(totals).singleElement().satisfies(t -> assertThat(t).containsEntry("username", "test-contributor")
                .containsEntry("connection", "hosted").containsEntry("calls", 1).containsEntry("promptTokens", 2)
                .containsEntry("completionTokens", 3).containsEntry("totalTokens", 5));
        assertThat(api.get("/api/v1/audit?action=llm.call").items()).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("actor", "test-contributor").containsEntry("targetId", "hosted"));

        ApiClient.Answer models = contributor.get("/api/v1/llm/v1/models");
        assertThat(models.body()).contains("\"id\":\"hosted/fake-small\"").doesNotContain("fake-large");
        assertThat(apiAs(Role.VIEWER).post(CHAT, userChat("hosted/fake-small", false)).status()).isEqualTo(403);
        assertThat(anonymousApi().post(CHAT, userChat("hosted/fake-small", false)).status()).isEqualTo(401);
    }

    @Test
    void aStreamIsRelayedChunkByChunkAsItArrives() throws Exception {
        provider.chunkDelay(Duration.ofMillis(300));
        List<Long> arrivals = new ArrayList<>();
        Streamed streamed = read(streamEvents(userChat("hosted/fake-small", true), arrivals));
        assertThat(streamed.error()).isNull();
        assertThat(streamed.text()).isEqualTo("echo: hello there");
        // The first chunk came while the provider was still writing the rest (three words, 300 ms apart).
        assertThat(arrivals.get(arrivals.size() - 1) - arrivals.get(0)).isGreaterThan(400);
        assertThat(provider.requests("/v1/chat/completions").get(0).body()).contains("\"include_usage\":true");

        // The usage chunk at the end of the stream is recorded once the stream closes.
        List<Map<String, Object>> calls = awaitCalls(1);
        assertThat(calls).singleElement().satisfies(c -> assertThat(c).containsEntry("streamed", true)
                .containsEntry("totalTokens", 5).containsEntry("status", 200));
    }

    @Test
    void modelsOutsideTheAllowedListAndBadBodiesAreRefusedInOpenAisShape() {
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        assertRefused(contributor.post(CHAT, userChat("hosted/fake-large", false)), "model", "model_not_allowed");
        assertRefused(contributor.post(CHAT, userChat("elsewhere/fake-small", false)), "model", "model_not_found");
        assertRefused(contributor.post(CHAT, userChat("fake-small", false)), "model", "model_not_found");
        assertRefused(contributor.post(CHAT, Map.of("model", "hosted/fake-small")), "messages", "invalid_messages");
        assertRefused(contributor.post(CHAT, "{not json"), null, "invalid_json");
        assertThat(provider.requests("/v1/chat/completions")).isEmpty();
    }

    private static void assertRefused(ApiClient.Answer answer, String param, String code) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) answer.map().get("error");
        assertThat(error).containsEntry("type", "invalid_request_error").containsEntry("code", code)
                .containsKey("message").containsKey("param");
        assertThat(error.get("param")).isEqualTo(param);
    }

    @Test
    void providerFailuresAreTriedAgainThenAnsweredWithTheirStatus() {
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        provider.failNext(1, 503, null).failNext(1, 429, 1);
        long start = System.nanoTime();
        ApiClient.Answer recovered = contributor.post(CHAT, userChat("hosted/fake-small", false));
        assertThat(recovered.status()).as(recovered.toString()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(provider.requests("/v1/chat/completions")).hasSize(3);

        provider.failNext(3, 500, null);
        ApiClient.Answer failed = contributor.post(CHAT, userChat("hosted/fake-small", false));
        assertThat(failed.status()).isEqualTo(500);
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) failed.map().get("error");
        assertThat((String) error.get("message")).contains("connection 'hosted' answered 500")
                .contains("The fake provider fails this call with 500");
        assertThat(provider.requests("/v1/chat/completions")).hasSize(6);

        // A Retry-After beyond modelcat.llm.max-retry-wait is not waited for: the caller gets it back at once.
        provider.failNext(1, 429, 120);
        ApiClient.Answer limited = contributor.post(CHAT, userChat("hosted/fake-small", false));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("120");
        assertThat(limited.header("retry-after-ms")).isEqualTo("120000");
        assertThat(limited.body()).contains("\"type\":\"rate_limit_error\"");
        assertThat(provider.requests("/v1/chat/completions")).hasSize(7);
        assertThat(api.get("/api/v1/llm/usage").body()).contains("\"status\":429", "\"status\":500");
    }

    @Test
    void callsBeyondTheConnectionsConcurrencyLimitGet429() throws Exception {
        provider.delay(Duration.ofMillis(1500));
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        CompletableFuture<ApiClient.Answer> first = CompletableFuture.supplyAsync(
                () -> contributor.post(CHAT, userChat("hosted/fake-small", false)));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (provider.requests("/v1/chat/completions").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        ApiClient.Answer second = contributor.post(CHAT, userChat("hosted/fake-small", false));
        assertThat(second.status()).as(second.toString()).isEqualTo(429);
        assertThat(second.header("Retry-After")).isEqualTo("1");
        assertThat(second.body()).contains("\"code\":\"concurrency_limit\"");
        assertThat(first.get().status()).isEqualTo(200);
        assertThat(provider.mostInFlight()).isEqualTo(1);
        assertThat(contributor.post(CHAT, userChat("hosted/fake-small", false)).status()).isEqualTo(200);
    }

    @Test
    void theLimitsAreSharedWithTheOtherCatalogServicesOnTheDatabase() throws SQLException {
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        assertThat(contributor.post(CHAT, userChat("hosted/fake-small", false)).status()).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM llm_call_slot")).as("a finished call gives its slot back").isZero();

        // Another catalog service has the connection's one call at once in flight.
        TestDatabase.shared().executeHere("INSERT INTO llm_call_slot (id, connection_name, holder, expires_at) VALUES "
                + "(gen_random_uuid(), 'hosted', 'catalog-other', now() + interval '1 minute')");
        ApiClient.Answer busy = contributor.post(CHAT, userChat("hosted/fake-small", false));
        assertThat(busy.status()).as(busy.toString()).isEqualTo(429);
        assertThat(busy.body()).contains("\"code\":\"concurrency_limit\"");
        // That service died with it: once its slot expires (no renewal), calls go through again.
        TestDatabase.shared().executeHere("UPDATE llm_call_slot SET expires_at = now() - interval '1 second'");
        assertThat(contributor.post(CHAT, userChat("hosted/fake-small", false)).status()).isEqualTo(200);

        // Two calls a minute: this service takes one; another service takes the other.
        assertThat(api.patch("/api/v1/llm/connections/hosted", Map.of("requestsPerMinute", 2)).status()).isEqualTo(200);
        assertThat(contributor.post(CHAT, userChat("hosted/fake-small", false)).status()).isEqualTo(200);
        TestDatabase.shared().executeHere("UPDATE llm_rate_bucket SET level = level - 60000000000, "
                + "at_nanos = (extract(epoch FROM clock_timestamp()) * 1000000)::bigint * 1000 "
                + "WHERE connection_name = 'hosted'");
        ApiClient.Answer limited = contributor.post(CHAT, userChat("hosted/fake-small", false));
        assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
        assertThat(limited.body()).contains("\"code\":\"rate_limit\"", "2 calls a minute");
        assertThat(provider.requests("/v1/chat/completions")).hasSize(3);
    }

    @Test
    void aServiceRenewsTheSlotsOfItsCallsInFlightSoThatOnlyADeadServicesExpire() throws SQLException {
        CallSlots.Slot slot = slots.tryTake("hosted", 1).orElseThrow();
        assertThat(slots.tryTake("hosted", 1)).isEmpty();
        TestDatabase.shared().executeHere("UPDATE llm_call_slot SET expires_at = now() + interval '1 second'");
        slots.renew();
        assertThat(count("SELECT count(*) FROM llm_call_slot WHERE expires_at > now() + interval '50 seconds'"))
                .isEqualTo(1);
        slot.release();
        slot.release();
        assertThat(count("SELECT count(*) FROM llm_call_slot")).isZero();
        assertThat(slots.tryTake("hosted", 1)).hasValueSatisfying(CallSlots.Slot::release);
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aModelCatConnectionCallsTheEndpointsOwnOpenAiRoutes() {
        ApiClient.Answer endpoint = api.post("/api/v1/endpoints", Map.of("name", "chat-ep", "authMode", "token"));
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
        ApiClient.Answer own = api.post("/api/v1/llm/connections", Map.of("name", "own", "kind", "modelcat",
                "endpoint", "chat-ep", "allowedModels", List.of("blue")));
        assertThat(own.status()).as(own.toString()).isEqualTo(201);
        assertThat(own.map()).containsEntry("apiKeySet", false).doesNotContainKey("baseUrl");
        // The endpoint has no deployment yet: its own answer (503, no traffic) comes back through the mesh.
        ApiClient.Answer answer = apiAs(Role.CONTRIBUTOR).post(CHAT, userChat("own/blue", false));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
        assertThat(answer.body()).contains("connection 'own' answered 503").contains("sends no traffic");
        ApiClient.Answer test = api.post("/api/v1/llm/connections/own/test", Map.of());
        assertThat(test.map()).containsEntry("ok", true).containsEntry("providerStatus", 200);
    }

    @Test
    void embeddingsAndCompletionsAreForwardedAndCounted() {
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        ApiClient.Answer embedded = contributor.post("/api/v1/llm/v1/embeddings", Map.of("model", "hosted/fake-small",
                "input", List.of("one two", "three")));
        assertThat(embedded.status()).as(embedded.toString()).isEqualTo(200);
        assertThat(embedded.body()).contains("\"object\":\"list\"", "\"embedding\":[2.0,7.0,1.0]",
                "\"embedding\":[1.0,5.0,1.0]");
        FakeLlmProvider.RecordedCall sent = provider.requests("/v1/embeddings").get(0);
        assertThat(sent.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(sent.body()).contains("\"model\":\"fake-small\"");

        ApiClient.Answer completed = contributor.post("/api/v1/llm/v1/completions", Map.of("model", "hosted/fake-small",
                "prompt", "once upon"));
        assertThat(completed.status()).as(completed.toString()).isEqualTo(200);
        assertThat(completed.body()).contains("\"object\":\"text_completion\"", "echo: once upon");

        assertRefused(contributor.post("/api/v1/llm/v1/embeddings", Map.of("model", "hosted/fake-small")), "input",
                "invalid_input");
        assertRefused(contributor.post("/api/v1/llm/v1/completions", Map.of("model", "hosted/fake-small",
                "prompt", List.of())), "prompt", "invalid_prompt");
        assertRefused(contributor.post("/api/v1/llm/v1/embeddings", Map.of("model", "hosted/fake-large",
                "input", "x")), "model", "model_not_allowed");
        assertThat(apiAs(Role.VIEWER).post("/api/v1/llm/v1/embeddings", Map.of("model", "hosted/fake-small",
                "input", "x")).status()).isEqualTo(403);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> totals = (List<Map<String, Object>>) api.get("/api/v1/llm/usage").map().get("totals");
        // Embeddings: 3 prompt tokens; completion: 2 prompt and 3 completion tokens (" echo: once upon").
        assertThat(totals).singleElement().satisfies(t -> assertThat(t).containsEntry("calls", 2)
                .containsEntry("promptTokens", 5).containsEntry("completionTokens", 3).containsEntry("totalTokens", 8));
    }

    @Test
    void callsBeyondTheConnectionsRequestsPerMinuteGet429UntilTheNextIsAllowed() {
        ApiClient.Answer limited = api.patch("/api/v1/llm/connections/hosted", Map.of("requestsPerMinute", 2));
        assertThat(limited.status()).as(limited.toString()).isEqualTo(200);
        assertThat(limited.map()).containsEntry("requestsPerMinute", 2);
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        assertThat(contributor.post(CHAT, userChat("hosted/fake-small", false)).status()).isEqualTo(200);
        assertThat(contributor.post(CHAT, userChat("hosted/fake-small", false)).status()).isEqualTo(200);
        ApiClient.Answer refused = contributor.post(CHAT, userChat("hosted/fake-small", false));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
        assertThat(refused.body()).contains("\"code\":\"rate_limit\"", "2 calls a minute");
        // Two a minute: the next is allowed 30 s after the second, less the moments the calls took.
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(25, 30);
        // The same wait to the millisecond, as OpenAI's SDKs (and bulk tests' runners) read it.
        long millis = Long.parseLong(refused.header("retry-after-ms"));
        assertThat(millis).isBetween(24_000L, 30_000L);
        assertThat((millis + 999) / 1000).isEqualTo(Long.parseLong(refused.header("Retry-After")));
        assertThat(provider.requests("/v1/chat/completions")).hasSize(2);
        assertThat(api.get("/api/v1/llm/usage").body()).contains("\"status\":429");

        assertThat(api.patch("/api/v1/llm/connections/hosted", Map.of("requestsPerMinute", 0)).map())
                .doesNotContainKey("requestsPerMinute");
        assertThat(contributor.post(CHAT, userChat("hosted/fake-small", false)).status()).isEqualTo(200);
        assertThat(api.patch("/api/v1/llm/connections/hosted", Map.of("requestsPerMinute", -1)).errorFields())
                .containsExactly("requestsPerMinute");
    }

    @Test
    void callersFasterThanTheRequestsPerMinuteWaitTheirTurnInTheMeshSoThatTheProviderRefusesNone() throws Exception {
        // The provider allows 30 calls a second, the connection 15 (900 a minute): its burst (10) and a second's
        // turns (15) leave the provider a margin of 5 for the moments between a turn and its call reaching the
        // provider, which vary with the database's and the machine's load. 50 callers at once: before the mesh capped
        // its bucket's burst, all 50 went through at once and the provider refused 20 of them.
        provider.rateLimit(30);
        ApiClient.Answer limited = api.patch("/api/v1/llm/connections/hosted",
                Map.of("requestsPerMinute", 900, "maxConcurrent", 100));
        assertThat(limited.status()).as(limited.toString()).isEqualTo(200);
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(50);
        List<ApiClient.Answer> answers = new java.util.ArrayList<>();
        try {
            List<java.util.concurrent.Future<ApiClient.Answer>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(callers.submit(() -> contributor.post(CHAT, userChat("hosted/fake-small", false))));
            }
            for (var call : calls) {
                answers.add(call.get());
            }
        } finally {
            callers.shutdownNow();
        }
        long answered = answers.stream().filter(a -> a.status() == 200).count();
        // The burst (10) and the turns within the mesh's longest wait (1 s: 15 more, the last at the edge) are
        // answered; the others are refused by the mesh with the wait until their turn, without reaching the provider.
        assertThat(answered).isGreaterThanOrEqualTo(RequestRates.BURST + 14);
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.status()).as(a.toString()).isIn(200, 429);
            if (a.status() == 429) {
                assertThat(a.body()).contains("\"code\":\"rate_limit\"");
                assertThat(Long.parseLong(a.header("retry-after-ms"))).isPositive();
            }
        });
        assertThat(provider.rateLimited()).isLessThanOrEqualTo(2);
        assertThat(provider.requests("/v1/chat/completions")).hasSize((int) answered + provider.rateLimited());
    }

    @Test
    void theEstimatedCostOfEachCallIsRecordedFromThePriceTableAndSummed() {
        ApiClient.Answer priced = api.patch("/api/v1/llm/connections/hosted", Map.of("allowedModels",
                List.of("fake-small", "fake-large"), "prices", Map.of("fake-small", Map.of("inputPerMillion", 2.5,
                        "outputPerMillion", 10))));
        assertThat(priced.status()).as(priced.toString()).isEqualTo(200);
        assertThat(priced.body()).contains("\"prices\":{\"fake-small\":{\"inputPerMillion\":2.5,\"outputPerMillion\":10}}");
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        assertThat(contributor.post(CHAT, userChat("hosted/fake-small", false)).status()).isEqualTo(200);
        assertThat(contributor.post(CHAT, userChat("hosted/fake-small", false)).status()).isEqualTo(200);
        assertThat(contributor.post(CHAT, userChat("hosted/fake-large", false)).status()).isEqualTo(200);

        ApiClient.Answer usage = api.get("/api/v1/llm/usage");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> calls = (List<Map<String, Object>>) usage.map().get("calls");
        // 2 prompt tokens at $2.5/M and 3 completion tokens at $10/M: $0.000035 a call; fake-large has no price.
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0)).containsEntry("model", "fake-large").doesNotContainKey("costUsd");
        assertThat(calls.get(1)).containsEntry("model", "fake-small");
        assertThat(new java.math.BigDecimal(calls.get(1).get("costUsd").toString())).isEqualByComparingTo("0.000035");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> totals = (List<Map<String, Object>>) usage.map().get("totals");
        assertThat(totals).singleElement().satisfies(t -> assertThat(new java.math.BigDecimal(t.get("costUsd")
                .toString())).isEqualByComparingTo("0.00007"));

        assertThat(api.patch("/api/v1/llm/connections/hosted", Map.of("prices", Map.of("fake-medium",
                Map.of("inputPerMillion", 1, "outputPerMillion", 1)))).errorFields()).containsExactly("prices");
        assertThat(api.patch("/api/v1/llm/connections/hosted", Map.of("prices", Map.of("fake-small",
                Map.of("inputPerMillion", -1, "outputPerMillion", 1)))).errorFields()).containsExactly("prices");
        assertThat(api.patch("/api/v1/llm/connections/hosted", Map.of("prices", Map.of("fake-small",
                Map.of("inputPerMillion", 1)))).errorFields()).containsExactly("prices");
        ApiClient.Answer notANumber = api.patch("/api/v1/llm/connections/hosted", Map.of("prices", Map.of("fake-small",
                Map.of("inputPerMillion", "cheap", "outputPerMillion", 1))));
        assertThat(notANumber.status()).as(notANumber.toString()).isEqualTo(400);
        assertThat(String.join(",", notANumber.errorFields())).contains("prices");
        Map<String, Object> nullPrice = new java.util.HashMap<>();
        nullPrice.put("fake-small", null);
        assertThat(api.patch("/api/v1/llm/connections/hosted", Map.of("prices", nullPrice)).errorFields())
                .containsExactly("prices");
        assertThat(api.patch("/api/v1/llm/connections/hosted", Map.of("prices", Map.of())).map())
                .containsEntry("prices", Map.of());
    }
}
