package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A batch endpoint on the deployed system: a dataset uploaded and scored in mini-batches by a runner that is
 * killed mid-job, the job taken over by another runner that skips the finished mini-batches, and
 * predictions.csv downloaded with the labels "Try it" gives for the same texts; and an invocation scored by two
 * runners at once that writes what one runner alone writes.
 */
class BatchEndpointSystemTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(8);
    private static final String[] WORDS = {"the", "movie", "was", "good", "bad", "dog", "sat", "on", "a", "mat"};
    // Enough rows in small mini-batches that the first runner is still scoring when the second has started.
    private static final int ROWS = 12_000;
    private static final int MINI_BATCH = 4;

    private static String text(int row) {
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < 3 + row % 5; w++) {
            text.append(w == 0 ? "" : " ").append(WORDS[(row * 7 + w * 3) % WORDS.length]);
        }
        return text.toString();
    }

    /** Uploads {@code rows} reviews (row 3 without text); answers the dataset's id. */
    private static String uploadReviews(RunningSystem system, int rows) {
        StringBuilder csv = new StringBuilder("id,review\n");
        for (int i = 0; i < rows; i++) {
            csv.append(i).append(',').append(i == 3 ? "" : text(i)).append('\n'); // row 3 has no text
        }
        RunningSystem.Answer upload = system.upload("/api/v1/datasets?name=reviews.csv", "text/csv", csv.toString());
        assertThat(upload.status()).as(upload.body()).isEqualTo(201);
        return (String) upload.map().get("id");
    }

    /** Makes batch endpoint {@code nightly} with deployment {@code blue} of the model on {@code instances} runners. */
    private static void deploy(RunningSystem system, String model, int instances) {
        assertThat(system.post("/api/v1/batch-endpoints", Map.of("name", "nightly")).status()).isEqualTo(201);
        RunningSystem.Answer deployed = system.post("/api/v1/batch-endpoints/nightly/deployments",
                Map.of("name", "blue", "modelId", model, "instanceCount", instances));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
    }

    /** Invokes {@code nightly} on the dataset's reviews in mini-batches of {@value #MINI_BATCH}; answers the job's id. */
    private static String invoke(RunningSystem system, String dataset, Map<String, Object> settings) {
        Map<String, Object> body = new HashMap<>(settings);
        body.putAll(Map.of("datasetId", dataset, "inputColumns", Map.of("text", "review"), "miniBatchSize", MINI_BATCH));
        RunningSystem.Answer invoked = system.post("/api/v1/batch-endpoints/nightly/jobs", body);
        assertThat(invoked.status()).as(invoked.body()).isEqualTo(202);
        return (String) ((Map<?, ?>) invoked.map().get("job")).get("id");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDatasetIsScoredAcrossARunnersDeathAndPredictionsCsvMatchesTryIt() throws Exception {
        try (FakeHub hub = FakeHub.start()) {
            hub.addRepo("hf-tiny/sentiment", Fixtures.model("distilbert-sequence-classification"));
            try (RunningSystem system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()))) {
                system.addRunner("doomed", Map.of());
                String model = system.importModel("hf-tiny/sentiment", TIMEOUT);
                String dataset = uploadReviews(system, ROWS);
                deploy(system, model, 1);
                String job = invoke(system, dataset, Map.of());
                String csvPath = "/api/v1/batch-endpoints/nightly/jobs/" + job + "/outputs/predictions.csv";
                assertThat(system.get(csvPath).status()).as("not finished yet").isEqualTo(404);

                // Some mini-batches done on the first runner, then it dies; another takes the job over.
                // Waits while the job is queued or running with fewer done; a job that ended already fails below.
                Map<String, Object> partly = system.awaitValue(TIMEOUT, () -> system.job(job), j -> {
                    Object done = ((Map<?, ?>) j.get("progressDetail")).get("miniBatchesDone");
                    return switch ((String) j.get("state")) {
                        case "queued" -> false;
                        case "running" -> done instanceof Number n && n.intValue() >= 3;
                        default -> true;
                    };
                });
                assertThat(partly).as("killed mid-job").containsEntry("state", "running");
                system.addRunner("survivor", Map.of());
                system.kill("doomed");

                Map<String, Object> done = system.awaitJob(job, TIMEOUT, "succeeded", "failed", "cancelled");
                assertThat(done).as(done.toString()).containsEntry("state", "succeeded").containsEntry("attempt", 2);
                assertThat((String) done.get("workerId")).startsWith("survivor");
                Map<String, Object> result = (Map<String, Object>) done.get("result");
                assertThat(result).containsEntry("rows", ROWS).containsEntry("badRows", 1).containsEntry("miniBatches", ROWS / MINI_BATCH);
                assertThat((Integer) result.get("resumedMiniBatches")).as("finished mini-batches are not scored again")
                        .isGreaterThanOrEqualTo(3);
                List<String> messages = new ArrayList<>();
                system.get("/api/v1/jobs/" + job + "/logs").list().forEach(l -> messages.add((String) l.get("message")));
                assertThat(messages).anyMatch(m -> m.startsWith("Resuming: "));

                RunningSystem.Answer predictions = system.get(csvPath);
                assertThat(predictions.status()).isEqualTo(200);
                List<String> lines = predictions.body().lines().toList();
                assertThat(lines).hasSize(ROWS - 1);
                assertThat(lines.get(0)).startsWith("0,").endsWith(",reviews.csv");
                assertThat(lines.get(3)).as("row 3 is bad and left out").startsWith("4,");
                for (int row : new int[] {0, 1, 4, ROWS - 1}) {
                    String line = lines.stream().filter(l -> l.startsWith(row + ",")).findFirst().orElseThrow();
                    Map<?, ?> tried = (Map<?, ?>) ((Map<?, ?>) system.post("/api/v1/models/" + model + "/predict",
                            Map.of("text", text(row))).map().get("result")).get("prediction");
                    assertThat(line.split(",")[1]).as("row %s as Try it labels it", row).isEqualTo(tried.get("label"));
                }
                String jsonl = system.get("/api/v1/batch-endpoints/nightly/jobs/" + job + "/outputs/predictions.jsonl").body();
                assertThat(jsonl.lines()).hasSize(ROWS);
                assertThat(jsonl.lines().skip(3).findFirst().orElseThrow()).contains("\"error\"");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void twoRunnersScoreOneInvocationAndWriteWhatOneRunnerWrites() throws Exception {
        int rows = 4_000;
        try (FakeHub hub = FakeHub.start()) {
            hub.addRepo("hf-tiny/sentiment", Fixtures.model("distilbert-sequence-classification"));
            try (RunningSystem system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()))) {
                system.addRunner("left", Map.of());
                system.addRunner("right", Map.of());
                String model = system.importModel("hf-tiny/sentiment", TIMEOUT);
                String dataset = uploadReviews(system, rows);
                deploy(system, model, 2);

                String job = invoke(system, dataset, Map.of());
                Map<String, Object> done = system.awaitJob(job, TIMEOUT, "succeeded", "failed", "cancelled");
                assertThat(done).as(done.toString()).containsEntry("state", "succeeded");
                assertThat((Map<String, Object>) done.get("result")).containsEntry("rows", rows).containsEntry("badRows", 1)
                        .containsEntry("miniBatches", rows / MINI_BATCH);
                assertThat(system.get("/api/v1/batch-endpoints/nightly/jobs").items()).as("the helper is not listed")
                        .hasSize(1);
                List<Map<String, Object>> helpers = system.get("/api/v1/jobs?kind=batch-score-helper").items();
                assertThat(helpers).singleElement().satisfies(h -> {
                    assertThat(((Map<?, ?>) h.get("params")).get("invocationJobId")).isEqualTo(job);
                    assertThat(system.awaitJob(h.get("id"), TIMEOUT, "succeeded", "failed", "cancelled"))
                            .containsEntry("state", "succeeded");
                });

                // Who scored what is PostgreSQL's: both runners have, and no mini-batch was claimed twice.
                Map<String, Integer> byRunner = new HashMap<>();
                try (Connection c = system.database().dataSource().getConnection();
                     PreparedStatement ps = c.prepareStatement("SELECT worker_id, count(*), max(claims) FROM batch_mini_batch "
                             + "WHERE job_id = ?::uuid AND done GROUP BY worker_id")) {
                    ps.setString(1, job);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            byRunner.put(rs.getString(1).startsWith("left") ? "left" : "right", rs.getInt(2));
                            assertThat(rs.getInt(3)).as("claimed once").isEqualTo(1);
                        }
                    }
                }
                assertThat(byRunner).as(byRunner.toString()).containsOnlyKeys("left", "right");
                assertThat(byRunner.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(rows / MINI_BATCH);
                List<String> messages = new ArrayList<>();
                system.get("/api/v1/jobs/" + job + "/logs").list().forEach(l -> messages.add((String) l.get("message")));
                assertThat(messages).anyMatch(m -> m.startsWith("Mini-batches scored by 2 runners"));

                // One runner, and an output file of its own name: the same outputs under that name.
                String single = invoke(system, dataset, Map.of("instanceCount", 1, "outputFileName", "scores.csv"));
                assertThat(system.awaitJob(single, TIMEOUT, "succeeded", "failed", "cancelled")).containsEntry("state", "succeeded");
                for (String file : List.of("predictions.csv", "predictions.jsonl")) {
                    String together = system.get("/api/v1/batch-endpoints/nightly/jobs/" + job + "/outputs/" + file).body();
                    assertThat(together.lines()).hasSize(file.endsWith(".csv") ? rows - 1 : rows);
                    String named = file.replace("predictions", "scores");
                    assertThat(together).as(file + " as one runner writes it, as " + named)
                            .isEqualTo(system.get("/api/v1/batch-endpoints/nightly/jobs/" + single + "/outputs/" + named).body());
                }
                assertThat(system.get("/api/v1/batch-endpoints/nightly/jobs/" + single + "/outputs/predictions.csv").status())
                        .isEqualTo(404);
            }
        }
    }
}
