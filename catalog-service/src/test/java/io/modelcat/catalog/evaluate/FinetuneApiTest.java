package io.modelcat.catalog.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.jobinput.MlJobTestBase;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** POST /api/v1/finetunes through real HTTP: params with hyperparameter defaults, dataset links, refusals. */
@MicronautTest(transactional = false)
class FinetuneApiTest extends MlJobTestBase {

    private Map<String, Object> request(ImportedModel model, String trainId) {
        Map<String, Object> body = new HashMap<>();
        body.put("modelId", model.id());
        body.put("task", "text-classification");
        body.put("trainDatasetId", trainId);
        body.put("mapping", Map.of("sentence1", "review", "label", "stars"));
        return body;
    }

    private ImportedModel bert() {
        return importedModel("bert", "fill-mask", List.of("text-classification", "token-classification"), "apache-2.0");
    }

    @Test
    void queuesAFinetuneJobWithDefaultsFilledIn() {
        ImportedModel model = bert();
        String train = reviews();
        String validation = reviews();
        String test = dataset("test.jsonl", "application/x-ndjson", "{\"review\": \"fine\", \"stars\": 4}\n");
        Map<String, Object> body = request(model, train);
        body.put("validationDatasetId", validation);
        body.put("testDatasetId", test);
        body.put("hyperparameters", Map.of("epochs", 5, "learningRate", 0.0001, "earlyStoppingPatience", 2));
        body.put("timeLimitSeconds", 3600);

        ApiClient.Answer answer = api.post("/api/v1/finetunes", body);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
        Map<String, Object> job = answer.map();
        assertThat(job).containsEntry("kind", "finetune").containsEntry("state", "queued")
                .containsEntry("modelId", model.id()).containsEntry("timeLimitSeconds", 3600);
        Map<String, Object> hyperparameters = new LinkedHashMap<>();
        hyperparameters.put("epochs", 5);
        hyperparameters.put("batchSize", 16);
        hyperparameters.put("learningRate", 0.0001);
        hyperparameters.put("weightDecay", 0.01);
        hyperparameters.put("warmupRatio", 0.0);
        hyperparameters.put("maxGradNorm", 1.0);
        hyperparameters.put("seed", 42);
        hyperparameters.put("maxSequenceLength", 128);
        hyperparameters.put("earlyStoppingPatience", 2);
        hyperparameters.put("loraRank", null);
        hyperparameters.put("loraAlpha", 16.0);
        hyperparameters.put("loraDropout", 0.05);
        hyperparameters.put("loraTargetModules", null);
        hyperparameters.put("loraMerge", false);
        assertThat(job.get("params")).isEqualTo(Map.of(
                "task", "text-classification",
                "modelVersionId", model.versionId(),
                "artifactUri", model.artifactUri(),
                "train", Map.of("id", train, "storagePath", train + ".csv", "format", "csv"),
                "validation", Map.of("id", validation, "storagePath", validation + ".csv", "format", "csv"),
                "test", Map.of("id", test, "storagePath", test + ".jsonl", "format", "jsonl"),
                "mapping", Map.of("sentence1", "review", "label", "stars"),
                "hyperparameters", hyperparameters));
        assertThat(query("SELECT role, dataset_id FROM job_dataset WHERE job_id = ? ORDER BY role", uuid(job.get("id"))))
                .containsExactly(Map.of("role", "test", "dataset_id", uuid(test)),
                        Map.of("role", "train", "dataset_id", uuid(train)),
                        Map.of("role", "validation", "dataset_id", uuid(validation)));
    }

    @Test
    void storesAbsentValidationAndTestAsNullAndEarlyStoppingAsOff() {
        ImportedModel model = bert();
        String train = reviews();

        ApiClient.Answer answer = api.post("/api/v1/finetunes", request(model, train));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
        String stored = (String) query("SELECT params::text AS params FROM job WHERE id = ?", uuid(answer.map().get("id")))
                .get(0).get("params");
        assertThat(stored).contains("\"validation\": null").contains("\"test\": null")
                .contains("\"earlyStoppingPatience\": null");
        assertThat(query("SELECT role FROM job_dataset WHERE job_id = ?", uuid(answer.map().get("id"))))
                .containsExactly(Map.of("role", "train"));
    }

    @Test
    void loraIsForTextGenerationAndTheEncoderTasksAndItsSettingsAreChecked() {
        ImportedModel model = bert();
        String train = reviews();
        Map<String, Object> body = request(model, train);
        body.put("hyperparameters", Map.of("loraRank", 8));
        ApiClient.Answer classification = api.post("/api/v1/finetunes", body);
        assertThat(classification.status()).as(classification.toString()).isEqualTo(202);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) classification.map().get("params");
        assertThat(params.get("hyperparameters")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("loraRank", 8).containsEntry("loraTargetModules", null);
        // Summarization and translation are refused: refusesWhatASummarizationOrTranslationFineTuneCannotUse...

        body.put("hyperparameters", Map.of("loraRank", 0, "loraAlpha", -1, "loraDropout", 1));
        ApiClient.Answer bad = api.post("/api/v1/finetunes", body);
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.errorFields()).containsExactly("hyperparameters.loraRank", "hyperparameters.loraAlpha",
                "hyperparameters.loraDropout");
    }

    @Test
    void loraTargetModulesAreAListOfLayerNamesGivenWithARank() {
        ImportedModel model = importedModel("gpt2", "text-generation", List.of("text-generation"), "mit");
        String texts = dataset("texts.csv", "text/csv", "text\nthe cat sat\n");
        Map<String, Object> body = new HashMap<>();
        body.put("modelId", model.id());
        body.put("task", "text-generation");
        body.put("trainDatasetId", texts);
        body.put("mapping", Map.of("text", "text"));
        body.put("hyperparameters", Map.of("loraRank", 8, "loraTargetModules", List.of("c_attn", "mlp.c_fc")));
        ApiClient.Answer queued = api.post("/api/v1/finetunes", body);
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) queued.map().get("params");
        assertThat(params.get("hyperparameters")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("loraTargetModules", List.of("c_attn", "mlp.c_fc"));

        for (Object bad : List.of(List.of(), "c_attn", List.of("c_attn", ".*"), List.of(1, 2),
                Map.of("c_attn", true))) {
            body.put("hyperparameters", Map.of("loraRank", 8, "loraTargetModules", bad));
            ApiClient.Answer refused = api.post("/api/v1/finetunes", body);
            assertThat(refused.status()).as("%s: %s", bad, refused).isEqualTo(400);
            assertThat(refused.errorFields()).as("%s", bad).containsExactly("hyperparameters.loraTargetModules");
        }
        body.put("hyperparameters", Map.of("loraTargetModules", List.of("c_attn")));
        ApiClient.Answer withoutRank = api.post("/api/v1/finetunes", body);
        assertThat(withoutRank.status()).as(withoutRank.toString()).isEqualTo(400);
        assertThat(withoutRank.errorFields()).containsExactly("hyperparameters.loraTargetModules");
        assertThat(withoutRank.toString()).contains("set loraRank too");

        body.put("hyperparameters", Map.of("loraRank", 8, "loraMerge", true));
        ApiClient.Answer merge = api.post("/api/v1/finetunes", body);
        assertThat(merge.status()).as(merge.toString()).isEqualTo(202);
        assertThat(merge.toString()).contains("\"loraMerge\":true");
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("loraMerge", true),
                Map.of("loraRank", 8, "loraMerge", "yes please"), Map.of("loraRank", 8, "loraMerge", List.of(true)))) {
            body.put("hyperparameters", bad);
            ApiClient.Answer refused = api.post("/api/v1/finetunes", body);
            assertThat(refused.status()).as("%s: %s", bad, refused).isEqualTo(400);
            assertThat(refused.errorFields()).as("%s", bad).containsExactly("hyperparameters.loraMerge");
        }
    }

    @Test
    void namesEachBadHyperparameter() {
        ImportedModel model = bert();
        String train = reviews();
        Map<String, Object> body = request(model, train);
        body.put("hyperparameters", Map.of("learningRate", -1, "epochs", 0));

        ApiClient.Answer answer = api.post("/api/v1/finetunes", body);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.errorFields()).containsExactly("hyperparameters.epochs", "hyperparameters.learningRate");

        Map<String, Object> limits = new HashMap<>();
        limits.put("batchSize", 513);
        limits.put("weightDecay", 1.5);
        limits.put("warmupRatio", 1.0);
        limits.put("maxGradNorm", 0);
        limits.put("maxSequenceLength", 4);
        limits.put("earlyStoppingPatience", 0);
        limits.put("learningRate", 1.0);
        body.put("hyperparameters", limits);
        answer = api.post("/api/v1/finetunes", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.errorFields()).containsExactlyInAnyOrder("hyperparameters.batchSize",
                "hyperparameters.weightDecay", "hyperparameters.warmupRatio", "hyperparameters.maxGradNorm",
                "hyperparameters.maxSequenceLength", "hyperparameters.earlyStoppingPatience");
    }

    @Test
    void namesEachInvalidField() {
        ImportedModel model = bert();
        String train = reviews();
        String noStars = dataset("plain.csv", "text/csv", "review\nok\n");

        assertRefused(with(request(model, train), "trainDatasetId", null), "trainDatasetId");
        assertRefused(with(request(model, train), "trainDatasetId", UUID.randomUUID().toString()), "trainDatasetId");
        assertRefused(with(request(model, train), "validationDatasetId", UUID.randomUUID().toString()), "validationDatasetId");
        assertRefused(with(request(model, train), "testDatasetId", UUID.randomUUID().toString()), "testDatasetId");
        assertRefused(with(request(model, train), "modelId", UUID.randomUUID().toString()), "modelId");
        assertRefused(with(request(model, train), "timeLimitSeconds", 0), "timeLimitSeconds");
        ApiClient.Answer notFinetunable = assertRefused(with(request(model, train), "task", "text-generation"), "task");
        assertThat(notFinetunable.body()).contains("its fine-tuning tasks are text-classification, token-classification");
        assertRefused(with(request(model, train), "task", "summarization"), "task");
        ApiClient.Answer badValidation = assertRefused(with(request(model, train), "validationDatasetId", noStars),
                "mapping.label");
        assertThat(badValidation.body()).contains("in the validation dataset");
        assertThat(query("SELECT count(*) AS n FROM job").get(0)).containsEntry("n", 0L);
    }

    private ImportedModel t5() {
        return importedModel("t5", "summarization", List.of("summarization", "translation"), "apache-2.0");
    }

    @Test
    void queuesSummarizationAndTranslationFineTunesOfAnEncoderDecoder() {
        ImportedModel model = t5();
        String news = dataset("news.jsonl", "application/x-ndjson",
                "{\"article\": \"a long text about cats\", \"highlights\": \"cats\", \"en\": \"the cat\", "
                        + "\"de\": \"die Katze\"}\n");
        Map<String, Object> summarization = new HashMap<>();
        summarization.put("modelId", model.id());
        summarization.put("task", "summarization");
        summarization.put("trainDatasetId", news);
        summarization.put("mapping", Map.of("document", "article", "summary", "highlights"));
        summarization.put("hyperparameters", Map.of("epochs", 2, "earlyStoppingPatience", 1));
        ApiClient.Answer summaries = api.post("/api/v1/finetunes", summarization);
        assertThat(summaries.status()).as(summaries.toString()).isEqualTo(202);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) summaries.map().get("params");
        assertThat(params).containsEntry("task", "summarization")
                .containsEntry("mapping", Map.of("document", "article", "summary", "highlights"))
                .doesNotContainKeys("sourceLanguage", "targetLanguage");

        Map<String, Object> translation = new HashMap<>(summarization);
        translation.put("task", "translation");
        translation.put("mapping", Map.of("source", "en", "target", "de"));
        translation.put("sourceLanguage", "en");
        translation.put("targetLanguage", "de");
        ApiClient.Answer translations = api.post("/api/v1/finetunes", translation);
        assertThat(translations.status()).as(translations.toString()).isEqualTo(202);
        @SuppressWarnings("unchecked")
        Map<String, Object> translationParams = (Map<String, Object>) translations.map().get("params");
        assertThat(translationParams).containsEntry("task", "translation").containsEntry("sourceLanguage", "en")
                .containsEntry("targetLanguage", "de").containsEntry("mapping", Map.of("source", "en", "target", "de"));
    }

    @Test
    void refusesWhatASummarizationOrTranslationFineTuneCannotUseNamingTheField() {
        ImportedModel model = t5();
        String news = dataset("news.jsonl", "application/x-ndjson", "{\"article\": \"a long text\", \"highlights\": \"short\"}\n");
        Map<String, Object> body = new HashMap<>();
        body.put("modelId", model.id());
        body.put("task", "summarization");
        body.put("trainDatasetId", news);
        body.put("mapping", Map.of("document", "article", "summary", "highlights"));

        ApiClient.Answer noSummary = assertRefused(with(new HashMap<>(body), "mapping", Map.of("document", "article")),
                "mapping.summary");
        assertThat(noSummary.errorFields()).containsExactly("mapping.summary");
        assertRefused(with(new HashMap<>(body), "mapping", Map.of("document", "article", "summary", "abstract")),
                "mapping.summary");
        ApiClient.Answer languages = assertRefused(with(new HashMap<>(body), "sourceLanguage", "en"), "sourceLanguage");
        assertThat(languages.body()).contains("translation only");
        Map<String, Object> translation = new HashMap<>(body);
        translation.put("task", "translation");
        translation.put("mapping", Map.of("source", "article", "target", "highlights"));
        assertRefused(with(new HashMap<>(translation), "targetLanguage", "de; drop"), "targetLanguage");
        ApiClient.Answer noTarget = assertRefused(with(new HashMap<>(translation), "mapping", Map.of("source", "article")),
                "mapping.target");
        assertThat(noTarget.errorFields()).containsExactly("mapping.target");
        ApiClient.Answer lora = assertRefused(with(new HashMap<>(body), "hyperparameters", Map.of("loraRank", 8)),
                "hyperparameters.loraRank");
        // An encoder-decoder's text-to-text fine-tune trains every weight; the message names the tasks that take LoRA.
        assertThat(lora.body()).contains("LoRA adapters are trained for text-classification, token-classification, "
                + "question-answering, text-generation; fine-tune 'summarization' without loraRank");
        assertThat(query("SELECT count(*) AS n FROM job").get(0)).containsEntry("n", 0L);
    }

    private ApiClient.Answer assertRefused(Map<String, Object> body, String field) {
        ApiClient.Answer answer = api.post("/api/v1/finetunes", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.errorFields()).as(answer.toString()).contains(field);
        return answer;
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        body.put(key, value);
        return body;
    }
}
