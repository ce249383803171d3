package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Moving models from a connected site to an air-gapped one: site A imports a model from the Hub, fine-tunes it with a
 * test set and registers it; its catalog export of both models is imported by site B (its own database and files, no
 * Hub), where the models keep their ids, the fine-tune its parent link, lineage and figures, B's Hub API serves them
 * under the same commit, and B's runner predicts exactly what A's does. Importing the archive again changes nothing.
 */
class CatalogTransferSystemTest {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);
    private static final List<String> TEXTS = List.of("the movie was good .", "a dog is great", "the cat sat on a bad mat");

    @Test
    @SuppressWarnings("unchecked")
    void modelsExportedFromOneSiteImportIntoAnotherAndPredictTheSame() {
        byte[] archive;
        String base;
        String tuned;
        Map<String, Object> tunedVersion;
        Map<String, Object> hubInfo;
        List<Object> predictedOnA;
        try (FakeHub hub = FakeHub.start(); RunningSystem siteA = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()))) {
            hub.addRepo("hf-tiny/bert", Fixtures.model("bert"));
            siteA.addRunner("runner-a", Map.of());
            base = siteA.importModel("hf-tiny/bert", JOB_TIMEOUT);
            RunningSystem.Answer data = siteA.upload("/api/v1/datasets?name=reviews", "text/csv", SentimentData.csv(80, 3));
            RunningSystem.Answer test = siteA.upload("/api/v1/datasets?name=held-out", "text/csv", SentimentData.csv(24, 5));
            assertThat(data.status()).as(data.body()).isEqualTo(201);
            assertThat(test.status()).as(test.body()).isEqualTo(201);
            RunningSystem.Answer submitted = siteA.post("/api/v1/finetunes", Map.of("modelId", base,
                    "task", "text-classification", "trainDatasetId", data.map().get("id"),
                    "testDatasetId", test.map().get("id"),
                    "mapping", Map.of("sentence1", "review", "label", "sentiment"),
                    "hyperparameters", Map.of("epochs", 1, "batchSize", 8, "learningRate", 3e-3, "seed", 7)));
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
            Map<String, Object> job = siteA.awaitJob(submitted.map().get("id"), JOB_TIMEOUT, "succeeded", "failed", "cancelled");
            assertThat(job).as(job.toString()).containsEntry("state", "succeeded");
            RunningSystem.Answer registered = siteA.post("/api/v1/jobs/" + job.get("id") + "/register",
                    Map.of("name", "carried-sentiment"));
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            tuned = (String) registered.map().get("id");
            tunedVersion = siteA.get("/api/v1/models/" + tuned + "/versions").list().get(0);
            hubInfo = siteA.get("/hub/api/models/modelcat/carried-sentiment").map();
            predictedOnA = predict(siteA, tuned);

            archive = siteA.download("/api/v1/catalog/export?model=" + base + "&model=" + tuned);
        }

        try (RunningSystem siteB = new RunningSystem()) {
            RunningSystem.Answer imported = siteB.upload("/api/v1/catalog/imports", "application/zip", archive);
            assertThat(imported.status()).as(imported.body()).isEqualTo(200);
            assertThat(imported.map()).containsEntry("modelsCreated", 2).containsEntry("versionsCreated", 2);

            Map<String, Object> card = siteB.get("/api/v1/models/" + tuned).map();
            assertThat(card).containsEntry("name", "carried-sentiment").containsEntry("status", "ready");
            assertThat(siteB.get("/api/v1/models/" + base).map()).containsEntry("hubRepoId", "hf-tiny/bert");
            Map<String, Object> version = siteB.get("/api/v1/models/" + tuned + "/versions").list().get(0);
            assertThat(version).containsEntry("id", tunedVersion.get("id"))
                    .containsEntry("parentVersionId", tunedVersion.get("parentVersionId"));
            Map<String, Object> lineage = (Map<String, Object>) version.get("lineage");
            Map<String, Object> lineageOnA = (Map<String, Object>) tunedVersion.get("lineage");
            assertThat(lineage).containsEntry("jobId", lineageOnA.get("jobId"))
                    .containsEntry("hyperparameters", lineageOnA.get("hyperparameters"))
                    .containsEntry("metrics", lineageOnA.get("metrics"));
            assertThat((Map<String, Object>) lineageOnA.get("metrics")).containsKey("accuracy");
            assertThat((Map<String, Object>) lineage.get("sourceSiteMetrics"))
                    .containsEntry("accuracy (text-classification, held-out)",
                            ((Map<String, Object>) lineageOnA.get("metrics")).get("accuracy"));
            assertThat(siteB.get("/hub/api/models/modelcat/carried-sentiment").map())
                    .containsEntry("sha", hubInfo.get("sha"));

            siteB.addRunner("runner-b", Map.of());
            assertThat(predict(siteB, tuned)).isEqualTo(predictedOnA);

            RunningSystem.Answer again = siteB.upload("/api/v1/catalog/imports", "application/zip", archive);
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(again.map()).containsEntry("modelsCreated", 0).containsEntry("versionsCreated", 0)
                    .containsEntry("versionsUnchanged", 2);
        }
    }

    /** What the model predicts for each text (labels with their scores). */
    @SuppressWarnings("unchecked")
    private static List<Object> predict(RunningSystem site, String model) {
        return TEXTS.stream().map(text -> {
            RunningSystem.Answer tried = site.post("/api/v1/models/" + model + "/predict", Map.of("text", text));
            assertThat(tried.status()).as(tried.body()).isEqualTo(200);
            return ((Map<String, Object>) ((Map<String, Object>) tried.map().get("result")).get("prediction")).get("labels");
        }).toList();
    }
}
