package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A runner killed (SIGKILL) mid fine-tune: another runner continues from the last epoch's checkpoint. */
class FinetuneResumeSystemTest {

    @Test
    void aFineTuneContinuesFromItsLastCheckpointAfterTheRunnerDies() throws Exception {
        try (FakeHub hub = FakeHub.start(); RunningSystem system = startSystem(hub)) {
            hub.addRepo("hf-tiny/bert", Fixtures.model("bert"));
            system.addRunner("doomed", Map.of());
            Object importJob = system.post("/api/v1/imports", Map.of("modelId", "hf-tiny/bert")).map().get("id");
            String model = (String) ((Map<?, ?>) system.awaitJob(importJob, Duration.ofMinutes(2), "succeeded")
                    .get("result")).get("modelId");
            String data = (String) system.upload("/api/v1/datasets?name=reviews", "text/csv",
                    SentimentData.csv(1500, 3)).map().get("id");

            RunningSystem.Answer submitted = system.post("/api/v1/finetunes", Map.of("modelId", model,
                    "task", "text-classification", "trainDatasetId", data,
                    "mapping", Map.of("sentence1", "review", "label", "sentiment"),
                    "hyperparameters", Map.of("epochs", 10, "batchSize", 16, "learningRate", 3e-3, "warmupRatio", 0.1)));
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
            Object job = submitted.map().get("id");

            system.awaitJob(job, Duration.ofMinutes(2), "running");
            system.addRunner("survivor", Map.of());
            // Kill the runner once the first epoch's checkpoint is written.
            system.awaitValue(Duration.ofMinutes(3), () -> system.get("/api/v1/jobs/" + job + "/logs").list(),
                    logs -> logs.stream().anyMatch(l -> ((String) l.get("message")).startsWith("Epoch 1:")));
            assertThat(system.job(job)).containsEntry("state", "running");
            system.kill("doomed");

            Map<String, Object> done = system.awaitJob(job, Duration.ofMinutes(5), "succeeded", "failed", "cancelled");
            assertThat(done).as(done.toString()).containsEntry("state", "succeeded");
            assertThat((String) done.get("workerId")).startsWith("survivor");
            assertThat(((Number) done.get("attempt")).intValue()).isEqualTo(2);
            List<Map<String, Object>> logs = system.get("/api/v1/jobs/" + job + "/logs").list();
            assertThat(logs).anySatisfy(l -> assertThat((String) l.get("message")).startsWith("Continuing from the checkpoint of epoch"));
            assertThat(logs.stream().filter(l -> ((String) l.get("message")).startsWith("Epoch 1:"))).hasSize(1);

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> series = (List<Map<String, Object>>) system.get("/api/v1/jobs/" + job + "/metrics")
                    .map().get("series");
            List<Object> validationEpochs = series.stream()
                    .filter(m -> "validation".equals(m.get("split")) && "accuracy".equals(m.get("name")))
                    .map(m -> m.get("epoch")).distinct().toList();
            assertThat(validationEpochs).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        }
    }

    private static RunningSystem startSystem(FakeHub hub) {
        return new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()));
    }
}
