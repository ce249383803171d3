package io.modelcat.catalog.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.testsupport.PrometheusScrape;
import io.modelcat.testsupport.TestDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's answers when runners misbehave, with runners that can be made slow, busy, broken or gone on
 * demand: small HTTP servers speaking the runner's serving protocol, placed as ready instances in the real
 * database. (A real runner answers a tiny model in milliseconds and cannot be made to hang on cue; the gateway's
 * path with real runners is DeploySystemTest's.)
 */
@MicronautTest(transactional = false)
class GatewayFailuresTest extends CatalogTestBase {

    private static final String PREDICTION = "{\"predictions\": [{\"label\": \"POSITIVE\", \"score\": 0.75, "
            + "\"labels\": [{\"label\": \"POSITIVE\", \"score\": 0.75}]}]}";

    @Inject
    TrafficRecorder recorder;

    private HttpServer runner;
    private final AtomicReference<Behaviour> behaviour = new AtomicReference<>(Behaviour.ANSWER);
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicReference<String> lastSecret = new AtomicReference<>();
    private final AtomicReference<String> lastBody = new AtomicReference<>();
    private CountDownLatch release = new CountDownLatch(0);
    private String key;

    enum Behaviour { ANSWER, SLOW, HOLD, BREAK, BUSY }

    @BeforeEach
    void runnerAndEndpoint() throws IOException {
        behaviour.set(Behaviour.ANSWER);
        served.set(0);
        runner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        runner.setExecutor(Executors.newCachedThreadPool());
        runner.createContext("/serve/", this::serve);
        runner.start();
        key = (String) ((Map<?, ?>) api.post("/api/v1/endpoints", Map.of("name", "sentiment")).map().get("keys"))
                .get("primaryKey");
    }

    @AfterEach
    void stopRunner() {
        release.countDown();
        runner.stop(0);
    }

    private void serve(HttpExchange exchange) throws IOException {
        lastSecret.set(exchange.getRequestHeaders().getFirst(ServeRequest.SECRET_HEADER));
        lastBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        served.incrementAndGet();
        try {
            switch (behaviour.get()) {
                case SLOW -> Thread.sleep(1_500);
                case HOLD -> release.await(30, TimeUnit.SECONDS);
                default -> { }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (behaviour.get() == Behaviour.BUSY) {
            answerBusy(exchange);
            return;
        }
        boolean broken = behaviour.get() == Behaviour.BREAK;
        byte[] body = (broken ? "{\"message\": \"out of memory\"}" : PREDICTION).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(broken ? 500 : 200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** What a runner answers for an instance already answering its limit of calls (from any catalog service). */
    private static void answerBusy(HttpExchange exchange) throws IOException {
        byte[] body = "{\"message\": \"instance is answering as many calls as its deployment allows at once\"}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Retry-After", "1");
        exchange.sendResponseHeaders(429, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** A deployment whose ready instances answer at the given runner addresses; answers the first instance's secret. */
    private String deploy(int maxConcurrent, int timeoutMs, String... serveUrls) {
        return deploy("blue", maxConcurrent, timeoutMs, serveUrls);
    }

    private String deploy(String name, int maxConcurrent, int timeoutMs, String... serveUrls) {
        Map<String, Object> card = aModel("classifier-" + name);
        String model = (String) create(card).get("id");
        assertThat(api.post("/api/v1/models/" + model + "/versions", Map.of("artifactUri", "file:///nowhere")).status())
                .isEqualTo(201);
        ApiClient.Answer made = api.post("/api/v1/endpoints/sentiment/deployments", Map.of("name", name,
                "modelId", model, "instanceCount", serveUrls.length, "maxConcurrentRequestsPerInstance", maxConcurrent,
                "requestTimeoutMs", timeoutMs));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        TestDatabase db = TestDatabase.shared();
        String firstSecret = null;
        for (int i = 0; i < serveUrls.length; i++) {
            String worker = name + "-runner-" + i;
            String secret = UUID.randomUUID().toString().replace("-", "");
            firstSecret = firstSecret == null ? secret : firstSecret;
            db.executeHere("INSERT INTO worker (id, host, cpu_cores, memory_bytes, serve_url) VALUES ('" + worker
                    + "', '" + worker + "', 2, 1024, '" + serveUrls[i] + "')");
            db.executeHere("INSERT INTO deployment_instance (id, deployment_id, worker_id, state, secret, created_at, "
                    + "model_version_id, artifact_uri) SELECT '" + UUID.randomUUID() + "', id, '" + worker + "', 'ready', '"
                    + secret + "', now() + interval '" + i + " seconds', model_version_id, artifact_uri "
                    + "FROM deployment WHERE name = '" + name + "'");
        }
        return firstSecret;
    }

    private String here() {
        return "http://127.0.0.1:" + runner.getAddress().getPort();
    }

    private ApiClient.Answer score() {
        return anonymousApi().as(key).post("/endpoints/sentiment/score", Map.of("input_data", List.of("I loved it")));
    }

    @Test
    void aCallReachesTheRunnerWithTheInstancesSecretAndTheTasksInputs() {
        String secret = deploy(4, 5000, here());
        ApiClient.Answer answer = score();
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.list()).containsExactly(Map.of("label", "POSITIVE", "score", 0.75));
        assertThat(lastSecret.get()).isEqualTo(secret);
        assertThat(lastBody.get()).isEqualTo("{\"inputs\":[{\"text\":\"I loved it\"}]}");
    }

    @Test
    void atTheRootTheKeyNamesItsEndpoint() {
        deploy(4, 5000, here());
        api.post("/api/v1/endpoints", Map.of("name", "other"));
        Map<String, Object> body = Map.of("input_data", List.of("I loved it"));

        ApiClient.Answer answer = anonymousApi().as(key).post("/score", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.list()).containsExactly(Map.of("label", "POSITIVE", "score", 0.75));
        assertThat(answer.header(Gateway.DEPLOYMENT_HEADER)).isEqualTo("blue");
        assertThat(served.get()).isEqualTo(1);
        assertThat((String) api.get("/api/v1/endpoints/sentiment").map().get("keyScoringUri"))
                .isEqualTo(api.uri("/score").toString());

        ApiClient.Answer none = anonymousApi().post("/score", body);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body()).contains("finds the endpoint by its key").contains("/endpoints/<name>/");
        ApiClient.Answer wrong = anonymousApi().as("not-a-key").post("/score", body);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("not one of any key-mode endpoint's");
        // A personal token names no endpoint, even where token mode would take it.
        api.post("/api/v1/endpoints", Map.of("name", "by-token", "authMode", "token"));
        assertThat(api.get("/api/v1/endpoints/by-token").map().get("keyScoringUri")).isNull();
        ApiClient.Answer token = api.post("/score", body);
        assertThat(token.status()).isEqualTo(401);
        ApiClient.Answer serverless = anonymousApi().post("/completions", Map.of("prompt", "hi"));
        assertThat(serverless.status()).isEqualTo(401);
        assertThat(serverless.body()).contains("authentication_error");
        assertThat(served.get()).as("refused calls reach no runner").isEqualTo(1);

        // Serverless routes take calls without a model; this deployment is no generator, so completions are refused.
        ApiClient.Answer completion = anonymousApi().as(key).post("/completions", Map.of("prompt", "hi"));
        assertThat(completion.status()).as(completion.toString()).isEqualTo(400);
        assertThat(completion.body()).contains("deployment 'blue' serves text-classification");
    }

    @Test
    void aRunnerThatCannotBeReachedIsPassedOverForAnother() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        deploy(4, 5000, "http://127.0.0.1:" + closed, here());
        for (int i = 0; i < 5; i++) {
            assertThat(score().status()).isEqualTo(200);
        }
        assertThat(served.get()).isEqualTo(5);
    }

    @Test
    void anInstanceItsRunnerFindsBusyIsPassedOverAndWhenAllAreBusyTheCallIs429() throws IOException {
        // Another catalog service's calls fill the first runner's instance: its runner refuses more (429).
        AtomicInteger refused = new AtomicInteger();
        HttpServer full = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        full.createContext("/serve/", exchange -> {
            refused.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            answerBusy(exchange);
        });
        full.start();
        try {
            deploy(4, 5000, "http://127.0.0.1:" + full.getAddress().getPort(), here());
            for (int i = 0; i < 5; i++) {
                ApiClient.Answer answer = score();
                assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            }
            assertThat(served.get()).isEqualTo(5);

            behaviour.set(Behaviour.BUSY);
            ApiClient.Answer busy = score();
            assertThat(busy.status()).as(busy.toString()).isEqualTo(429);
            assertThat(busy.header("Retry-After")).isEqualTo("1");
            assertThat(busy.body()).contains("is answering as many requests as it may (4 per instance, 2 instance(s))");
            assertThat(refused.get()).as("the busy runner was asked, and refused").isPositive();
            assertThat(served.get()).as("both instances were asked").isEqualTo(6);
        } finally {
            full.stop(0);
        }
    }

    @Test
    void overTheTimeoutIs504AndABrokenRunnerIs502() {
        deploy(4, 300, here());
        behaviour.set(Behaviour.SLOW);
        ApiClient.Answer slow = score();
        assertThat(slow.status()).isEqualTo(504);
        assertThat(slow.body()).contains("did not answer within its request timeout of 300 ms");
        behaviour.set(Behaviour.BREAK);
        ApiClient.Answer broken = score();
        assertThat(broken.status()).isEqualTo(502);
        assertThat(broken.body()).contains("out of memory");
    }

    @Test
    void overTheConcurrencyLimitIs429WithRetryAfter() throws Exception {
        deploy(1, 30_000, here());
        behaviour.set(Behaviour.HOLD);
        release = new CountDownLatch(1);
        CompletableFuture<ApiClient.Answer> first = CompletableFuture.supplyAsync(this::score);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (served.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        ApiClient.Answer second = score();
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.header("Retry-After")).isEqualTo("1");
        assertThat(second.body()).contains("1 per instance");
        release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(served.get()).as("the refused call never reached the runner").isEqualTo(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMirrorGetsItsShareOfCopiesAndEveryOutcomeIsCounted() throws Exception {
        deploy("blue", 4, 300, here());
        deploy("green", 4, 5000, here());
        assertThat(api.put("/api/v1/endpoints/sentiment/mirror", Map.of("mirror", Map.of("green", 60))).errorFields())
                .containsExactly("mirror.green");
        assertThat(api.put("/api/v1/endpoints/sentiment/mirror", Map.of("mirror", Map.of("red", 10))).errorFields())
                .containsExactly("mirror.red");
        assertThat(api.put("/api/v1/endpoints/sentiment/mirror", Map.of("mirror", Map.of("green", 50))).status())
                .isEqualTo(200);
        for (int i = 0; i < 10; i++) {
            assertThat(score().header("azureml-model-deployment")).isEqualTo("blue");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (served.get() < 15 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(served.get()).as("10 calls and 5 mirrored copies").isEqualTo(15);
        behaviour.set(Behaviour.SLOW);
        assertThat(score().status()).isEqualTo(504);
        assertThat(api.delete("/api/v1/endpoints/sentiment/deployments/green").status()).as("it is mirrored to").isEqualTo(409);

        // A mirrored copy is counted when its answer has come back, just after the runner saw it.
        Map<String, Object> blue;
        Map<String, Object> green;
        do {
            recorder.flush();
            List<Map<String, Object>> deployments = (List<Map<String, Object>>) api
                    .get("/api/v1/endpoints/sentiment/metrics?minutes=5").map().get("deployments");
            blue = deployments.stream().filter(d -> d.get("name").equals("blue")).findFirst().orElseThrow();
            green = deployments.stream().filter(d -> d.get("name").equals("green")).findFirst().orElseThrow();
        } while (((Number) green.get("mirrored")).intValue() < 5 && System.nanoTime() < deadline);
        assertThat(blue).containsEntry("requests", 11).containsEntry("errors", 1).containsEntry("mirrored", 0);
        assertThat(green).containsEntry("requests", 0).containsEntry("mirrored", 5);
        assertThat(((Number) blue.get("p99Ms")).intValue()).as("the 504 took the 300 ms timeout").isGreaterThanOrEqualTo(500);
        assertThat(api.get("/api/v1/endpoints/sentiment/metrics?minutes=0").errorFields()).containsExactly("minutes");
    }

    @Test
    void noCallIsLostFromTheMetricsWhileTheyAreWritten() throws Exception {
        deploy(4, 5000, here());
        UUID deployment;
        try (var c = TestDatabase.shared().dataSource().getConnection();
             var rs = c.createStatement().executeQuery("SELECT id FROM deployment WHERE name = 'blue'")) {
            rs.next();
            deployment = rs.getObject(1, UUID.class);
        }
        int threads = 4;
        int calls = 20_000;
        CountDownLatch done = new CountDownLatch(threads);
        var callers = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                callers.execute(() -> {
                    for (int i = 0; i < calls; i++) {
                        recorder.record(deployment, TrafficRecorder.Outcome.ANSWERED, 3);
                    }
                    done.countDown();
                });
            }
            // Written over and over while the calls are counted: each flush takes what was counted so far.
            while (!done.await(1, TimeUnit.MILLISECONDS)) {
                recorder.flush();
            }
        } finally {
            callers.shutdown();
        }
        recorder.flush();
        List<Map<String, Object>> deployments = (List<Map<String, Object>>) api
                .get("/api/v1/endpoints/sentiment/metrics?minutes=5").map().get("deployments");
        assertThat(deployments.get(0)).containsEntry("requests", threads * calls).containsEntry("errors", 0);
    }

    @Test
    void anOversizedBodyIs413AndNothingReachesTheRunner() {
        deploy(4, 5000, here());
        String big = "x".repeat((1 << 20) + 1);
        ApiClient.Answer answer = anonymousApi().as(key).post("/endpoints/sentiment/score", Map.of("input_data", List.of(big)));
        assertThat(answer.status()).isEqualTo(413);
        assertThat(served.get()).isZero();
    }

    @Test
    void everyCallIsInTheEndpointMetersByDeploymentAndOutcome() {
        deploy(4, 5000, here());
        Map<String, String> answered = Map.of("endpoint", "sentiment", "deployment", "blue", "outcome", "answered");
        Map<String, String> failed = Map.of("endpoint", "sentiment", "deployment", "blue", "outcome", "failed");
        PrometheusScrape before = scrape();
        for (int i = 0; i < 3; i++) {
            assertThat(score().status()).isEqualTo(200);
        }
        behaviour.set(Behaviour.BREAK);
        assertThat(score().status()).isEqualTo(502);
        PrometheusScrape after = scrape();
        String count = "modelcat_endpoint_request_duration_seconds_count";
        assertThat(after.sum(count, answered) - before.sum(count, answered)).isEqualTo(3);
        assertThat(after.sum(count, failed) - before.sum(count, failed)).isEqualTo(1);
        // A histogram: the latency's buckets, the largest holding every call.
        assertThat(after.sum("modelcat_endpoint_request_duration_seconds_bucket", Map.of("endpoint", "sentiment",
                "deployment", "blue", "outcome", "answered", "le", "+Inf"))).isEqualTo(after.sum(count, answered));
    }

    private PrometheusScrape scrape() {
        ApiClient.Answer answer = api.get("/api/v1/prometheus");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return PrometheusScrape.parse(answer.body());
    }
}
