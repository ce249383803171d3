package io.modelcat.catalog.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.jobinput.MlJobTestBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** POST /api/v1/evaluations through real HTTP: the queued job's params and dataset link, and every refusal. */
@MicronautTest(transactional = false)
class EvaluationApiTest extends MlJobTestBase {

    private Map<String, Object> request(ImportedModel model, String datasetId) {
        Map<String, Object> body = new HashMap<>();
        body.put("modelId", model.id());
        body.put("datasetId", datasetId);
        body.put("task", "text-classification");
        body.put("mapping", Map.of("sentence1", "review", "label", "stars"));
        return body;
    }

    @Test
    void queuesAnEvaluateJobWithTheContractParams() {
        ImportedModel model = importedModel("sst2", "text-classification", List.of("text-classification"), "mit");
        String datasetId = reviews();

        ApiClient.Answer answer = api.post("/api/v1/evaluations", request(model, datasetId));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
        Map<String, Object> job = answer.map();
        assertThat(job).containsEntry("kind", "evaluate").containsEntry("state", "queued")
                .containsEntry("modelId", model.id()).containsEntry("modelVersionId", model.versionId());
        assertThat(job.get("params")).isEqualTo(Map.of(
                "task", "text-classification",
                "modelVersionId", model.versionId(),
                "artifactUri", model.artifactUri(),
                "dataset", Map.of("id", datasetId, "storagePath", datasetId + ".csv", "format", "csv"),
                "mapping", Map.of("sentence1", "review", "label", "stars"),
                "batchSize", 32,
                "maxSequenceLength", 128));
        assertThat(query("SELECT role, dataset_id FROM job_dataset WHERE job_id = ?", uuid(job.get("id"))))
                .containsExactly(Map.of("role", "test", "dataset_id", uuid(datasetId)));
        assertThat(query("SELECT storage_path FROM dataset WHERE id = ?", uuid(datasetId)).get(0))
                .containsEntry("storage_path", datasetId + ".csv");
    }

    @Test
    void takesTheChosenVersionBatchSizeDeviceAndPriority() {
        ImportedModel model = importedModel("sst2", "fill-mask", List.of("text-classification"), "mit");
        api.post("/api/v1/models/" + model.id() + "/versions", Map.of("notes", "no files yet"));
        Map<String, Object> body = request(model, reviews());
        body.put("versionNumber", 1);
        body.put("batchSize", 8);
        body.put("maxSequenceLength", 512);
        body.put("priority", 7);
        body.put("device", Map.of("kind", "gpu", "count", 1));

        ApiClient.Answer answer = api.post("/api/v1/evaluations", body);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) answer.map().get("params");
        assertThat(params).containsEntry("modelVersionId", model.versionId()).containsEntry("batchSize", 8)
                .containsEntry("maxSequenceLength", 512);
        assertThat(answer.map()).containsEntry("priority", 7).containsEntry("device", Map.of("kind", "gpu", "count", 1));
    }

    @Test
    void aTranslationCarriesItsLanguages() {
        ImportedModel model = importedModel("t5", "translation", List.of(), "apache-2.0");
        Map<String, Object> body = request(model, reviews());
        body.put("task", "translation");
        body.put("mapping", Map.of("source", "review", "target", "review"));
        body.put("sourceLanguage", "en");
        body.put("targetLanguage", "de");

        ApiClient.Answer answer = api.post("/api/v1/evaluations", body);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) answer.map().get("params");
        assertThat(params).containsEntry("task", "translation").containsEntry("sourceLanguage", "en")
                .containsEntry("targetLanguage", "de");
    }

    @Test
    void namesEachInvalidField() {
        ImportedModel model = importedModel("sst2", "text-classification", List.of("text-classification"), "mit");
        String datasetId = reviews();

        assertRefused(with(request(model, datasetId), "modelId", UUID.randomUUID().toString()), "modelId");
        assertRefused(with(request(model, datasetId), "modelId", null), "modelId");
        assertRefused(with(request(model, datasetId), "versionNumber", 9), "versionNumber");
        assertRefused(with(request(model, datasetId), "datasetId", UUID.randomUUID().toString()), "datasetId");
        assertRefused(with(request(model, datasetId), "mapping", Map.of("sentence1", "text", "label", "stars")),
                "mapping.sentence1");
        assertRefused(with(request(model, datasetId), "batchSize", 0), "batchSize");
        assertRefused(with(request(model, datasetId), "batchSize", 513), "batchSize");
        assertRefused(with(request(model, datasetId), "maxSequenceLength", 4097), "maxSequenceLength");
        assertRefused(with(request(model, datasetId), "device", Map.of("kind", "tpu")), "device.kind");

        // The engine evaluates question answering too since it has a recipe for it; fill-mask it does not evaluate.
        ApiClient.Answer unsupported = assertRefused(with(request(model, datasetId), "task", "fill-mask"), "task");
        assertThat(unsupported.body()).contains("text-classification, token-classification, question-answering, "
                + "summarization, translation, text-generation");
        assertRefused(with(request(model, datasetId), "targetLanguage", "de"), "targetLanguage");
        assertRefused(with(with(request(model, datasetId), "task", "translation"), "sourceLanguage", "en; drop"),
                "sourceLanguage");
        ApiClient.Answer notTheModels = assertRefused(with(request(model, datasetId), "task", "token-classification"), "task");
        assertThat(notTheModels.body()).contains("does not do 'token-classification'");
        assertThat(query("SELECT count(*) AS n FROM job").get(0)).containsEntry("n", 0L);
    }

    @Test
    void refusesAModelWithoutImportedFiles() {
        String modelId = (String) create(aModel("not-imported")).get("id");
        Map<String, Object> body = new HashMap<>();
        body.put("modelId", modelId);
        body.put("datasetId", reviews());
        body.put("task", "text-classification");
        body.put("mapping", Map.of("sentence1", "review", "label", "stars"));

        ApiClient.Answer answer = api.post("/api/v1/evaluations", body);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(409);
        assertThat((String) answer.map().get("detail")).contains("has no imported version yet; import it first");
    }

    @Test
    void aDatasetInUseByAQueuedJobCannotBeDeleted() {
        ImportedModel model = importedModel("sst2", "text-classification", List.of("text-classification"), "mit");
        String datasetId = reviews();
        String jobId = (String) api.post("/api/v1/evaluations", request(model, datasetId)).map().get("id");

        ApiClient.Answer refused = api.delete("/api/v1/datasets/" + datasetId);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat((String) refused.map().get("detail")).contains(jobId).contains("queued or running");

        assertThat(api.post("/api/v1/jobs/" + jobId + "/cancel", Map.of()).status()).isEqualTo(200);
        assertThat(api.delete("/api/v1/datasets/" + datasetId).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/datasets/" + datasetId).status()).isEqualTo(404);
    }

    private ApiClient.Answer assertRefused(Map<String, Object> body, String field) {
        ApiClient.Answer answer = api.post("/api/v1/evaluations", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.errorFields()).as(answer.toString()).contains(field);
        return answer;
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        body.put(key, value);
        return body;
    }
}
