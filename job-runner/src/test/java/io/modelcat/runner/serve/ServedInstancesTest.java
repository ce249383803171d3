package io.modelcat.runner.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.ml.IntraOpThreads;
import io.modelcat.runner.RunnerContexts;
import io.modelcat.runner.worker.WorkerIdentity;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real runner serving the tiny GPT-2 for an instance placed on it in the real database: the instance answers at
 * most its deployment's concurrency limit of calls at once whoever sends them (several catalog services, each
 * counting only its own), refuses the others over HTTP with 429, and follows a limit changed in the database without
 * being reloaded. A call is held on cue by a streamed call whose reader waits.
 */
class ServedInstancesTest {

    private static final String SECRET = "instance-secret-0123456789";
    private static final String PROMPT = "{\"inputs\": [{\"text\": \"the cat sat on the\"}]}";

    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedServer runner;
    private UUID instance;

    @BeforeEach
    void anInstanceOnARealRunner() throws Exception {
        TestDatabase.shared().truncateAll();
        runner = RunnerContexts.start(Map.of());
        String worker = runner.getApplicationContext().getBean(WorkerIdentity.class).id();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!exists("SELECT 1 FROM worker WHERE id = '" + worker + "'")) {
            assertThat(System.nanoTime()).as("the runner registered itself").isLessThan(deadline);
            Thread.sleep(50);
        }
        UUID endpoint = UUID.randomUUID();
        UUID model = UUID.randomUUID();
        UUID version = UUID.randomUUID();
        UUID deployment = UUID.randomUUID();
        instance = UUID.randomUUID();
        String artifact = Fixtures.model("gpt2").toUri().toString();
        TestDatabase db = TestDatabase.shared();
        db.executeHere("INSERT INTO endpoint (id, name, auth_mode, primary_key_hash, secondary_key_hash) VALUES ('"
                + endpoint + "', 'writer', 'key', 'a', 'b')");
        db.executeHere("INSERT INTO model (id, name, task, license) VALUES ('" + model
                + "', 'gpt2', 'text-generation', 'mit')");
        db.executeHere("INSERT INTO model_version (id, model_id, version_number, artifact_uri) VALUES ('" + version
                + "', '" + model + "', 1, '" + artifact + "')");
        db.executeHere("INSERT INTO deployment (id, endpoint_id, name, model_id, model_version_id, task, artifact_uri, "
                + "instance_count, device_kind, max_concurrent, request_timeout_ms) VALUES ('" + deployment + "', '"
                + endpoint + "', 'blue', '" + model + "', '" + version + "', 'text-generation', '" + artifact
                + "', 1, 'cpu', 1, 30000)");
        db.executeHere("INSERT INTO deployment_instance (id, deployment_id, worker_id, secret, model_version_id, "
                + "artifact_uri) VALUES ('" + instance + "', '" + deployment + "', '" + worker + "', '" + SECRET + "', '"
                + version + "', '" + artifact + "')");
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!exists("SELECT 1 FROM deployment_instance WHERE state = 'ready' AND id = '" + instance + "'")) {
            assertThat(System.nanoTime()).as("the instance became ready").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @AfterEach
    void stop() {
        runner.close();
    }

    @Test
    void anInstanceAnswersAtMostItsLimitOfCallsAtOnceAndFollowsAChangedLimit() throws Exception {
        ServedInstances instances = runner.getApplicationContext().getBean(ServedInstances.class);
        // One call held: a streamed generation whose reader waits at its first token.
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ServedInstances.Outcome held = instances.open(instance, SECRET, PROMPT);
        assertThat(held.refusal()).isNull();
        CompletableFuture<Void> holding = CompletableFuture.runAsync(() -> held.call().run(event -> {
            reading.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();

        // The limit is 1: another call, as a second catalog service would send it, is refused while it runs.
        assertThat(instances.open(instance, SECRET, PROMPT).refusal()).isEqualTo(ServedInstances.Refusal.BUSY);
        HttpResponse<String> refused = serve();
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.body()).contains("is answering as many calls as its deployment allows at once");

        // Raised to 2 in the database: the instance takes a second call once it has read it (without reloading).
        TestDatabase.shared().executeHere("UPDATE deployment SET max_concurrent = 2");
        instances.sync();
        CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(this::serve);
        release.countDown();
        holding.get(30, TimeUnit.SECONDS);
        HttpResponse<String> answered = second.get(30, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(answered.body()).contains("generatedText");

        // Every call, answered or refused, has given its place back: two may run again.
        ServedInstances.Outcome first = instances.open(instance, SECRET, PROMPT);
        ServedInstances.Outcome another = instances.open(instance, SECRET, PROMPT);
        assertThat(first.refusal()).isNull();
        assertThat(another.refusal()).isNull();
        assertThat(instances.open(instance, SECRET, PROMPT).refusal()).isEqualTo(ServedInstances.Refusal.BUSY);
        first.call().release();
        another.call().release();
        assertThat(serve().statusCode()).isEqualTo(200);
    }

    @Test
    void anInstanceThatReservesCpuCoresRunsOnAsManyThreadsAndTheOthersOnTheDefault() throws Exception {
        ServedInstances instances = runner.getApplicationContext().getBean(ServedInstances.class);
        int usual = IntraOpThreads.processDefault();
        int reserved = usual == 1 ? 2 : 1;
        UUID counted = UUID.randomUUID();
        TestDatabase.shared().executeHere("INSERT INTO deployment_instance (id, deployment_id, worker_id, secret, "
                + "model_version_id, artifact_uri, cpu_cores) SELECT '" + counted + "', deployment_id, worker_id, "
                + "secret, model_version_id, artifact_uri, " + reserved + " FROM deployment_instance WHERE id = '"
                + instance + "'");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!exists("SELECT 1 FROM deployment_instance WHERE state = 'ready' AND id = '" + counted + "'")) {
            assertThat(System.nanoTime()).as("the instance became ready").isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(exists("SELECT 1 FROM deployment_log WHERE instance_id = '" + counted + "' AND message LIKE "
                + "'Ready on % " + reserved + " reserved CPU core(s): as many threads%'")).isTrue();
        // A streamed call's events are told from the thread that runs the instance's forward passes.
        assertThat(threadsOfCallsOn(instances, counted)).isEqualTo(reserved);
        assertThat(threadsOfCallsOn(instances, instance)).as("an instance that reserves none").isEqualTo(usual);
        assertThat(IntraOpThreads.ofThisThread()).as("the test's thread").isEqualTo(usual);
    }

    private static int threadsOfCallsOn(ServedInstances instances, UUID id) {
        ServedInstances.Outcome outcome = instances.open(id, SECRET, PROMPT);
        assertThat(outcome.refusal()).isNull();
        AtomicInteger threads = new AtomicInteger();
        assertThat(outcome.call().run(event -> threads.compareAndSet(0, IntraOpThreads.ofThisThread()))).isNotNull();
        return threads.get();
    }

    private HttpResponse<String> serve() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(runner.getURL() + "/serve/" + instance))
                    .header("Content-Type", "application/json").header(ServeRequest.SECRET_HEADER, SECRET)
                    .POST(HttpRequest.BodyPublishers.ofString(PROMPT)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean exists(String sql) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }
}
