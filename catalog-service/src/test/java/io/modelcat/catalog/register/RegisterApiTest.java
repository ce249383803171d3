package io.modelcat.catalog.register;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.jobinput.MlJobTestBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * POST /api/v1/jobs/{id}/register through real HTTP. The finetune job is submitted through the API; what a
 * runner would then write (state, result, metrics) is set with SQL as test data.
 */
@MicronautTest(transactional = false)
class RegisterApiTest extends MlJobTestBase {

    private ImportedModel base;
    private String train;
    private String test;

    private String succeededFinetune(String outputUri) {
        base = importedModel("bert", "fill-mask", List.of("text-classification"), "apache-2.0");
        train = reviews();
        test = reviews();
        Map<String, Object> body = new HashMap<>();
        body.put("modelId", base.id());
        body.put("task", "text-classification");
        body.put("trainDatasetId", train);
        body.put("testDatasetId", test);
        body.put("mapping", Map.of("sentence1", "review", "label", "stars"));
        body.put("hyperparameters", Map.of("epochs", 2));
        ApiClient.Answer submitted = api.post("/api/v1/finetunes", body);
        assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
        String jobId = (String) submitted.map().get("id");
        execute("UPDATE job SET state = 'succeeded', progress = 1, result = ?::jsonb WHERE id = ?",
                outputUri == null ? "{}" : "{\"outputUri\": \"" + outputUri + "\"}", uuid(jobId));
        execute("""
                INSERT INTO metric (job_id, model_id, model_version_id, dataset_id, task, split, name, value, step, epoch)
                VALUES (?, ?, ?, ?, 'text-classification', ?, ?, ?, ?, ?)""",
                uuid(jobId), uuid(base.id()), uuid(base.versionId()), uuid(test), "test", "accuracy", 0.9, null, null);
        execute("""
                INSERT INTO metric (job_id, model_id, model_version_id, dataset_id, task, split, name, value, step, epoch)
                VALUES (?, ?, ?, ?, 'text-classification', ?, ?, ?, ?, ?)""",
                uuid(jobId), uuid(base.id()), uuid(base.versionId()), uuid(train), "train", "loss", 0.4, 10, 1);
        return jobId;
    }

    @Test
    @SuppressWarnings("unchecked")
    void registersANewFinetunedModelWithItsLineage() {
        String outputUri = home.resolve("finetuned").toUri().toString();
        String jobId = succeededFinetune(outputUri);

        ApiClient.Answer answer = api.post("/api/v1/jobs/" + jobId + "/register",
                Map.of("name", "bert-reviews", "tags", List.of("reviews")));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        Map<String, Object> card = answer.map();
        assertThat(card).containsEntry("name", "bert-reviews").containsEntry("task", "text-classification")
                .containsEntry("finetuningTasks", List.of("text-classification")).containsEntry("license", "apache-2.0")
                .containsEntry("tags", List.of("reviews")).containsEntry("status", "ready").containsEntry("versionCount", 1);
        assertThat((Map<String, Object>) card.get("source")).containsEntry("type", "finetuned");
        Map<String, Object> version = (Map<String, Object>) card.get("latestVersion");
        assertThat(version).containsEntry("versionNumber", 1).containsEntry("artifactUri", outputUri)
                .containsEntry("parentVersionId", base.versionId());
        Map<String, Object> lineage = (Map<String, Object>) version.get("lineage");
        assertThat(lineage).containsEntry("jobId", jobId).containsEntry("baseModelVersionId", base.versionId())
                .containsEntry("trainDatasetId", train).containsEntry("testDatasetId", test)
                .containsEntry("metrics", Map.of("accuracy", 0.9));
        assertThat((Map<String, Object>) lineage.get("hyperparameters")).containsEntry("epochs", 2)
                .containsEntry("batchSize", 16);
        // The job's figures now belong to the registered version: it shows on its metrics and leaderboards.
        assertThat(api.get("/api/v1/models/" + card.get("id") + "/metrics").list()).extracting(m -> m.get("value"))
                .containsExactly(0.9);
        assertThat(api.get("/api/v1/models/" + base.id() + "/metrics").list()).isEmpty();

        ApiClient.Answer again = api.post("/api/v1/jobs/" + jobId + "/register", Map.of("name", "twice"));
        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat((String) again.map().get("detail")).contains("already registered as version 1 of model " + card.get("id"));
    }

    /** The layers an adapter has (the runner reports them: those asked for, or the architecture's) are its lineage's. */
    @Test
    @SuppressWarnings("unchecked")
    void theLineageOfAnAdapterNamesTheLayersItAdapts() {
        String jobId = succeededFinetune(home.resolve("adapter").toUri().toString());
        execute("UPDATE job SET result = result || '{\"loraTargetModules\": [\"query\", \"value\"]}'::jsonb WHERE id = ?",
                uuid(jobId));

        ApiClient.Answer answer = api.post("/api/v1/jobs/" + jobId + "/register", Map.of("name", "bert-lora"));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        Map<String, Object> lineage = (Map<String, Object>) ((Map<String, Object>) answer.map().get("latestVersion"))
                .get("lineage");
        assertThat((Map<String, Object>) lineage.get("hyperparameters")).containsEntry("epochs", 2)
                .containsEntry("loraTargetModules", List.of("query", "value"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void registersAsTheNextVersionOfAnExistingModelOrWithAGivenLicence() {
        String jobId = succeededFinetune(home.resolve("out").toUri().toString());
        ImportedModel existing = importedModel("reviews-classifier", "text-classification", List.of(), "mit");

        ApiClient.Answer answer = api.post("/api/v1/jobs/" + jobId + "/register",
                Map.of("name", "retrained", "modelId", existing.id()));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        assertThat(answer.map()).containsEntry("id", existing.id()).containsEntry("versionCount", 2)
                .containsEntry("license", "mit");
        Map<String, Object> version = (Map<String, Object>) answer.map().get("latestVersion");
        assertThat(version).containsEntry("versionNumber", 2).containsEntry("parentVersionId", base.versionId());

        String second = succeededFinetune(home.resolve("out2").toUri().toString());
        ApiClient.Answer licensed = api.post("/api/v1/jobs/" + second + "/register",
                Map.of("name", "cc", "license", "CC-BY-4.0"));
        assertThat(licensed.status()).as(licensed.toString()).isEqualTo(201);
        assertThat(licensed.map()).containsEntry("license", "cc-by-4.0");
    }

    @Test
    void refusesWhatCannotBeRegistered() {
        String noOutput = succeededFinetune(null);
        assertConflict(noOutput, "no outputUri");

        String running = succeededFinetune("file:///tmp/x");
        execute("UPDATE job SET state = 'running' WHERE id = ?", uuid(running));
        assertConflict(running, "is running; only a succeeded finetune job can be registered");

        Map<String, Object> evaluation = new HashMap<>();
        evaluation.put("modelId", base.id());
        evaluation.put("datasetId", test);
        evaluation.put("task", "text-classification");
        evaluation.put("mapping", Map.of("sentence1", "review", "label", "stars"));
        String evaluate = (String) api.post("/api/v1/evaluations", evaluation).map().get("id");
        execute("UPDATE job SET state = 'succeeded', result = '{\"outputUri\": \"file:///tmp/y\"}'::jsonb WHERE id = ?", uuid(evaluate));
        assertConflict(evaluate, "only a finetune job produces a model to register");

        assertThat(api.post("/api/v1/jobs/" + UUID.randomUUID() + "/register", Map.of("name", "x")).status()).isEqualTo(404);
        String ok = succeededFinetune("file:///tmp/z");
        assertThat(api.post("/api/v1/jobs/" + ok + "/register", Map.of("description", "no name")).errorFields())
                .containsExactly("name");
        assertThat(api.post("/api/v1/jobs/" + ok + "/register", Map.of("name", "x", "license", "not a licence"))
                .errorFields()).containsExactly("license");
        assertThat(api.post("/api/v1/jobs/" + ok + "/register", Map.of("name", "x", "modelId", UUID.randomUUID().toString()))
                .errorFields()).containsExactly("modelId");
        // Refusals leave nothing behind: the job can still be registered.
        assertThat(api.post("/api/v1/jobs/" + ok + "/register", Map.of("name", "x")).status()).isEqualTo(201);
    }

    private void assertConflict(String jobId, String message) {
        ApiClient.Answer answer = api.post("/api/v1/jobs/" + jobId + "/register", Map.of("name", "x"));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(409);
        assertThat((String) answer.map().get("detail")).contains(message);
    }
}
