package io.modelcat.catalog.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.store.Database;
import io.modelcat.store.deploy.Deployments;
import io.modelcat.store.worker.Workers;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway relays a runner's stream as it comes: a fake runner (a real HTTP server) sends its first token
 * and then waits until the test has received that token's chunk from the gateway, so a gateway that held the
 * chunks back until the generation ended would fail here (the runner would give up waiting), whatever the
 * timing.
 */
@MicronautTest(transactional = false)
class GatewayStreamTest extends CatalogTestBase {

    private static final long GIVE_UP_SECONDS = 60;

    @Inject
    Database db;

    @Inject
    io.micronaut.runtime.server.EmbeddedServer catalog;

    // One instance serves all tests of the class (CatalogTestBase): each test starts from fresh values.
    private HttpServer runner;
    private CountDownLatch clientHasFirstChunk;
    private AtomicBoolean releasedByTheClient;
    private AtomicReference<String> received;
    private volatile String firstLine;

    @BeforeEach
    void startRunner() throws IOException {
        clientHasFirstChunk = new CountDownLatch(1);
        releasedByTheClient = new AtomicBoolean();
        received = new AtomicReference<>();
        firstLine = "{\"input\":0,\"delta\":\"Hel\"}";
        runner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        runner.createContext("/serve/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.set(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            if (!exchange.getRequestURI().getPath().endsWith("/stream")
                    || exchange.getRequestHeaders().getFirst(ServeRequest.SECRET_HEADER) == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write((firstLine + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                try {
                    releasedByTheClient.set(clientHasFirstChunk.await(GIVE_UP_SECONDS, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.write(("{\"input\":0,\"delta\":\"lo\"}\n{\"input\":0,\"prediction\":{\"generatedText\":\"Hello\","
                        + "\"finishReason\":\"max_new_tokens\",\"newTokens\":2,\"promptTokens\":1}}\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the gateway went away: nothing to finish
            }
        });
        runner.start();
        String url = "http://127.0.0.1:" + runner.getAddress().getPort();
        db.write(c -> {
            Workers.heartbeat(c, new Workers.Machine("fake-runner", "fake-host", 1, 1L << 30, "[]", url), null);
            return null;
        });
    }

    @AfterEach
    void stopRunner() {
        clientHasFirstChunk.countDown();
        runner.stop(0);
    }

    /** An endpoint with one text-generation deployment whose instance, placed on the fake runner, is ready. */
    @SuppressWarnings("unchecked")
    private String readyEndpoint() throws InterruptedException {
        Map<String, Object> body = aModel("writer");
        body.put("task", "text-generation");
        String model = (String) create(body).get("id");
        assertThat(api.post("/api/v1/models/" + model + "/versions", Map.of("artifactUri", "file:///nowhere/writer"))
                .status()).isEqualTo(201);
        ApiClient.Answer made = api.post("/api/v1/endpoints", Map.of("name", "writer"));
        String key = (String) ((Map<String, Object>) made.map().get("keys")).get("primaryKey");
        assertThat(api.post("/api/v1/endpoints/writer/deployments", Map.of("name", "gpt", "modelId", model)).status())
                .isEqualTo(201);
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            List<Map<String, Object>> deployments = (List<Map<String, Object>>) api.get("/api/v1/endpoints/writer").map()
                    .get("deployments");
            List<Map<String, Object>> instances = (List<Map<String, Object>>) deployments.get(0).get("instances");
            if (!instances.isEmpty()) {
                UUID id = UUID.fromString((String) instances.get(0).get("id"));
                db.write(c -> {
                    Deployments.setInstanceState(c, id, "ready", null);
                    return null;
                });
                return key;
            }
            assertThat(Instant.now()).as("the instance is placed on the fake runner").isBefore(deadline);
            Thread.sleep(200);
        }
    }

    private HttpResponse<InputStream> post(String key, String path, String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(catalog.getURI() + "/endpoints/writer" + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void theFirstChunkReachesTheCallerBeforeTheGenerationEnds() throws Exception {
        String key = readyEndpoint();
        HttpResponse<InputStream> response = post(key, "/v1/chat/completions", "{\"model\": \"gpt\", \"n\": 1, \"seed\": 4,"
                + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream\": true}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring("data: ".length()));
                    if (events.stream().anyMatch(e -> e.contains("\"content\":\"Hel\""))) {
                        clientHasFirstChunk.countDown();
                    }
                }
            }
        }
        assertThat(releasedByTheClient).as("the runner was still generating when the first chunk arrived").isTrue();
        assertThat(events.get(0)).contains("\"role\":\"assistant\"");
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(String.join("", events)).contains("\"content\":\"lo\"").contains("\"finish_reason\":\"length\"");
        // The runner was sent the conversation and the choice's seed.
        assertThat(received.get()).contains("\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]")
                .contains("\"seeds\":[4]");
    }

    @Test
    void aRequestTheRunnerRefusesBeforeItsFirstTokenIsAnOpenAiError() throws Exception {
        firstLine = "{\"error\":\"this model has no chat template\",\"status\":400}";
        clientHasFirstChunk.countDown();
        String key = readyEndpoint();
        HttpResponse<InputStream> response = post(key, "/v1/chat/completions",
                "{\"model\": \"gpt\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream\": true}");
        assertThat(response.statusCode()).isEqualTo(400);
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(body).contains("\"message\":\"this model has no chat template\"").contains("\"param\":\"messages\"")
                .contains("invalid_request_error");
    }
}
