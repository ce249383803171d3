package io.modelcat.runner.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.JobQueue;
import io.modelcat.runner.RunnerContexts;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluate and fine-tune jobs on a real runner (real Quartz, PostgreSQL and DJL on the tiny BERT),
 * queued the way catalog-service queues them: a job row with its parameters, then a trigger.
 */
class MlJobsTest {

    @TempDir
    Path home;

    private UUID modelId;
    private UUID versionId;
    private UUID datasetId;

    @BeforeEach
    void catalog() throws Exception {
        TestDatabase.shared().truncateAll();
        Path artifact = home.resolve("models/bert");
        Files.createDirectories(artifact);
        for (String file : new String[] {"config.json", "tokenizer.json", "model.safetensors"}) {
            Files.copy(Fixtures.model("bert").resolve(file), artifact.resolve(file));
        }
        Path datasets = home.resolve("datasets");
        Files.createDirectories(datasets);
        Files.writeString(datasets.resolve("reviews.csv"), reviews(300, 11));
        modelId = UUID.randomUUID();
        versionId = UUID.randomUUID();
        datasetId = UUID.randomUUID();
        sql("INSERT INTO model (id, name, task, finetuning_tasks, license) VALUES ('" + modelId
                + "', 'bert', 'text-classification', '{text-classification}', 'apache-2.0')");
        sql("INSERT INTO model_version (id, model_id, version_number, artifact_uri) VALUES ('" + versionId + "', '"
                + modelId + "', 1, '" + artifact.toUri() + "')");
        sql("INSERT INTO dataset (id, name, format, size_bytes, sha256, row_count, columns, preview, storage_path) VALUES ('"
                + datasetId + "', 'reviews', 'csv', 1, '" + "0".repeat(64) + "', 300, '[]', '[]', 'reviews.csv')");
    }

    static String reviews(int rows, long seed) {
        String[] filler = {"the", "a", "cat", "dog", "sat", "on", "mat", "movie", "was", "is"};
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("review,sentiment\n");
        for (int i = 0; i < rows; i++) {
            boolean positive = random.nextBoolean();
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 4; w++) {
                text.append(filler[random.nextInt(filler.length)]).append(' ');
            }
            text.append(positive ? "good" : "bad");
            csv.append(text).append(',').append(positive ? "positive" : "negative").append('\n');
        }
        return csv.toString();
    }

    private Map<String, Object> dataset() {
        return Map.of("id", datasetId.toString(), "storagePath", "reviews.csv", "format", "csv");
    }

    private UUID queue(EmbeddedServer runner, String kind, String params) throws SQLException {
        UUID id = UUID.randomUUID();
        sql("INSERT INTO job (id, kind, model_id, params) VALUES ('" + id + "', '" + kind + "', '" + modelId + "', '"
                + params.replace("'", "''") + "'::jsonb)");
        runner.getApplicationContext().getBean(JobQueue.class).submit(id, DeviceRequest.cpu(), 0, Instant.now());
        return id;
    }

    private static String json(Map<String, Object> value) throws java.io.IOException {
        return io.micronaut.json.JsonMapper.createDefault().writeValueAsString(value);
    }

    @Test
    void evaluatesThenFineTunesAndTheFineTunedModelIsBetter() throws Exception {
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            Map<String, Object> mapping = Map.of("sentence1", "review", "label", "sentiment");
            UUID evaluation = queue(runner, "evaluate", json(Map.of("task", "text-classification",
                    "modelVersionId", versionId.toString(), "artifactUri", home.resolve("models/bert").toUri().toString(),
                    "dataset", dataset(), "mapping", mapping, "batchSize", 32, "maxSequenceLength", 64)));
            assertThat(await(evaluation)).isEqualTo("succeeded");
            double baseAccuracy = metric(evaluation, "test", "accuracy");
            assertThat(count("SELECT count(*) FROM prediction_sample WHERE job_id = '" + evaluation + "'")).isEqualTo(50);

            UUID finetune = queue(runner, "finetune", json(Map.of("task", "text-classification",
                    "modelVersionId", versionId.toString(), "artifactUri", home.resolve("models/bert").toUri().toString(),
                    "train", dataset(), "mapping", mapping,
                    "hyperparameters", Map.of("epochs", 4, "batchSize", 8, "learningRate", 3e-3, "warmupRatio", 0.1, "seed", 3,
                            "maxSequenceLength", 64))));
            assertThat(await(finetune)).isEqualTo("succeeded");
            double tunedAccuracy = metric(finetune, "test", "accuracy");
            assertThat(tunedAccuracy).as("base %s, tuned %s", baseAccuracy, tunedAccuracy).isGreaterThan(0.9);
            assertThat(count("SELECT count(DISTINCT epoch) FROM metric WHERE job_id = '" + finetune
                    + "' AND split = 'validation'")).isEqualTo(4);
            assertThat(count("SELECT count(*) FROM metric WHERE job_id = '" + finetune
                    + "' AND split = 'train' AND name = 'loss'")).isGreaterThan(5);
            assertThat(Files.isRegularFile(home.resolve("models/finetuned/" + finetune + "/model.safetensors"))).isTrue();
            assertThat(Files.readString(home.resolve("models/finetuned/" + finetune + "/config.json")))
                    .contains("\"positive\"").contains("\"negative\"");
        }
    }

    @Test
    void evaluatesACheckpointWithoutAHeadForTheTaskThroughANewHead() throws Exception {
        Path tagger = home.resolve("models/distilbert");
        Files.createDirectories(tagger);
        for (String file : new String[] {"config.json", "tokenizer.json", "model.safetensors"}) {
            Files.copy(Fixtures.model("distilbert").resolve(file), tagger.resolve(file));
        }
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            UUID evaluation = queue(runner, "evaluate", json(Map.of("task", "text-classification",
                    "modelVersionId", versionId.toString(), "artifactUri", tagger.toUri().toString(),
                    "dataset", dataset(), "mapping", Map.of("sentence1", "review", "label", "sentiment"))));
            assertThat(await(evaluation)).isEqualTo("succeeded");
            assertThat(metric(evaluation, "test", "accuracy")).isBetween(0.0, 1.0);
            assertThat(count("SELECT count(*) FROM job_log WHERE job_id = '" + evaluation
                    + "' AND message LIKE '%new, untrained one%'")).isEqualTo(1);
        }
    }

    private String await(UUID job) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = TestDatabase.shared().dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT state, error FROM job WHERE id = ?")) {
                ps.setObject(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String state = rs.getString(1);
                    if (state.equals("failed")) {
                        throw new AssertionError("job failed: " + rs.getString(2));
                    }
                    if (state.equals("succeeded") || state.equals("cancelled")) {
                        return state;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + job + " did not finish");
    }

    private static double metric(UUID job, String split, String name) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT value FROM metric WHERE job_id = ? AND split = ? AND name = ? AND step IS NULL AND epoch IS NULL")) {
            ps.setObject(1, job);
            ps.setString(2, split);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("metric " + name + " of " + job).isTrue();
                return rs.getDouble(1);
            }
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sql(String statement) throws SQLException {
        TestDatabase.shared().executeHere(statement);
    }
}
