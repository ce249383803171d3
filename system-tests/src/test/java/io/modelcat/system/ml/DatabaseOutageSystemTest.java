package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stops for 30 s in the middle of a fine-tune: meanwhile the API answers 503 with Retry-After (not 500)
 * and health says why; when it returns, both services reconnect by themselves and the job finishes with every
 * epoch's metrics and log lines, the ones from the outage included.
 */
class DatabaseOutageSystemTest {

    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @Test
    void aFineTuneFinishesWithAllItsMetricsAcrossA30SecondOutage() throws Exception {
        Path data = Files.createTempDirectory("modelcat-outage-db");
        int port = freePort();
        EmbeddedPostgres postgres = start(data, port);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE modelcat");
        }
        String url = "jdbc:postgresql://localhost:" + port + "/modelcat";
        try (FakeHub hub = FakeHub.start(); RunningSystem system = new RunningSystem(Map.of(
                "HF_ENDPOINT", hub.endpoint().toString(), "DATABASE_URL", url, "DATABASE_USER", "postgres"))) {
            hub.addRepo("hf-tiny/bert", Fixtures.model("bert"));
            system.addRunner("steady", Map.of());
            String model = system.importModel("hf-tiny/bert", Duration.ofMinutes(2));
            String dataset = (String) system.upload("/api/v1/datasets?name=reviews", "text/csv",
                    SentimentData.csv(1500, 3)).map().get("id");
            RunningSystem.Answer submitted = system.post("/api/v1/finetunes", Map.of("modelId", model,
                    "task", "text-classification", "trainDatasetId", dataset,
                    "mapping", Map.of("sentence1", "review", "label", "sentiment"),
                    "hyperparameters", Map.of("epochs", 8, "batchSize", 16, "learningRate", 3e-3, "warmupRatio", 0.1)));
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
            Object job = submitted.map().get("id");
            system.awaitValue(Duration.ofMinutes(3), () -> system.get("/api/v1/jobs/" + job + "/logs").list(),
                    logs -> logs.stream().anyMatch(l -> ((String) l.get("message")).startsWith("Epoch 1:")));

            postgres.close();
            Instant back = Instant.now().plus(OUTAGE);
            RunningSystem.Answer during = system.get("/api/v1/models");
            assertThat(during.status()).as(during.body()).isEqualTo(503);
            assertThat(during.header("Retry-After")).hasValue("5");
            assertThat(during.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
            assertThat((String) during.map().get("detail")).contains("database is unreachable");
            RunningSystem.Answer health = system.get("/health");
            assertThat(health.status()).isEqualTo(503);
            // The database's check is down: the pool had no connection to give (Hikari's "Connection is not
            // available") or gave one the outage had broken and that failed its check ("Connection was not valid"),
            // whichever the pool's state at that moment makes it.
            assertThat(health.body()).contains("DOWN").contains("jdbc")
                    .containsAnyOf("Connection is not available", "Connection was not valid");
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), back).toMillis()));

            postgres = start(data, port);
            // Both services find the database again by themselves.
            system.awaitValue(Duration.ofMinutes(1), () -> system.get("/api/v1/models").status(), status -> status == 200);
            system.awaitValue(Duration.ofMinutes(1), () -> system.get("/health").status(), status -> status == 200);

            Map<String, Object> done = system.awaitJob(job, Duration.ofMinutes(6), "succeeded", "failed", "cancelled");
            assertThat(done).as(done.toString()).containsEntry("state", "succeeded");
            assertThat(((Number) done.get("attempt")).intValue()).as("not run again").isEqualTo(1);
            List<Map<String, Object>> logs = system.get("/api/v1/jobs/" + job + "/logs").list();
            for (int epoch = 1; epoch <= 8; epoch++) {
                String line = "Epoch " + epoch + ":";
                assertThat(logs.stream().filter(l -> ((String) l.get("message")).startsWith(line))).as(line).hasSize(1);
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> series = (List<Map<String, Object>>) system.get("/api/v1/jobs/" + job + "/metrics")
                    .map().get("series");
            assertThat(series.stream().filter(m -> "validation".equals(m.get("split")) && "accuracy".equals(m.get("name")))
                    .map(m -> m.get("epoch")).distinct().toList()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        } finally {
            postgres.close();
        }
    }

    /** PostgreSQL on a fixed port and folder, so that it can be stopped and started again with its data. */
    private static EmbeddedPostgres start(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
