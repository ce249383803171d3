package io.modelcat.catalog.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.credentials.SecretCipher;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls the mesh's OpenAI-compatible API against local fake providers: connections made as the admin, chat calls
 * plain and streamed as a contributor, errors read in OpenAI's shape, and the usage the mesh recorded.
 */
abstract class LlmProviderTestBase extends CatalogTestBase {

    protected static final String CHAT = "/api/v1/llm/v1/chat/completions";
    protected final HttpClient http = HttpClient.newHttpClient();
    protected final ObjectMapper mapper = new ObjectMapper();

    /** One retry, waiting at most 2 s, so that failing fakes answer quickly. */
    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        properties.put("modelcat.secret-key", SecretCipher.generateKey());
        properties.put("modelcat.llm.max-retries", "1");
        properties.put("modelcat.llm.max-retry-wait", "2s");
        return properties;
    }

    protected ApiClient.Answer createConnection(Map<String, Object> body) {
        ApiClient.Answer created = api.post("/api/v1/llm/connections", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created;
    }

    /** A chat body: a system and a user message to {@code model}, and {@code more} name-value pairs. */
    protected static Map<String, Object> chat(String model, boolean stream, Object... more) {
        Map<String, Object> body = new HashMap<>(Map.of("model", model, "stream", stream,
                "messages", List.of(Map.of("role", "system", "content", "Be brief."),
                        Map.of("role", "user", "content", "hello there"))));
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return body;
    }

    protected void assertError(ApiClient.Answer answer, String type, String message) throws Exception {
        JsonNode error = mapper.readTree(answer.body()).path("error");
        assertThat(error.path("type").asText()).as(answer.toString()).isEqualTo(type);
        assertThat(error.path("message").asText()).contains(message);
    }

    /** The data of every event of a streamed chat call, as a contributor. */
    protected List<String> streamEvents(Map<String, Object> body) throws Exception {
        return streamEvents(body, new ArrayList<>());
    }

    /** The same, noting in {@code arrivals} when each event came: milliseconds after the call was sent. */
    protected List<String> streamEvents(Map<String, Object> body, List<Long> arrivals) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(api.uri(CHAT))
                .header("Authorization", "Bearer " + account(Role.CONTRIBUTOR).token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body))).build();
        long start = System.nanoTime();
        HttpResponse<java.util.stream.Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> data = new ArrayList<>();
        response.body().filter(l -> l.startsWith("data:")).forEach(l -> {
            data.add(l.substring(5).strip());
            arrivals.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
        });
        return data;
    }

    /** What a streamed call relayed: the text, the last finish reason, the usage chunk, an error event. */
    protected record Streamed(String text, String finish, JsonNode usage, JsonNode error) {
    }

    /** A streamed chat call, as a contributor, read as {@link #read(List)} reads it. */
    protected Streamed stream(Map<String, Object> body) throws Exception {
        return read(streamEvents(body));
    }

    /** Events that must end with {@code [DONE]}, every other one an error or a {@code chat.completion.chunk}. */
    protected Streamed read(List<String> events) throws Exception {
        assertThat(events).last().isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        JsonNode error = null;
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = mapper.readTree(event);
            if (chunk.has("error")) {
                error = chunk.path("error");
                continue;
            }
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            if (chunk.path("choices").isEmpty()) {
                usage = chunk.path("usage");
            } else {
                text.append(chunk.path("choices").get(0).path("delta").path("content").asText(""));
                if (!chunk.path("choices").get(0).path("finish_reason").isNull()) {
                    finish = chunk.path("choices").get(0).path("finish_reason").asText();
                }
            }
        }
        return new Streamed(text.toString(), finish, usage, error);
    }

    /** The recorded calls once there are {@code count} (streams are recorded when they close). */
    @SuppressWarnings("unchecked")
    protected List<Map<String, Object>> awaitCalls(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<Map<String, Object>> calls = List.of();
        while (System.nanoTime() < deadline) {
            calls = (List<Map<String, Object>>) api.get("/api/v1/llm/usage").map().get("calls");
            if (calls.size() >= count) {
                break;
            }
            Thread.sleep(50);
        }
        return calls;
    }
}
