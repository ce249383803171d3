package io.modelcat.catalog.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.evaluate.EvaluationRequest;
import io.modelcat.jobs.spec.EvaluateSpec;
import io.modelcat.jobs.spec.Hyperparameters;
import io.modelcat.jobs.spec.Setting;
import io.modelcat.jobs.task.Task;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /api/v1/tasks serves the contract's registry, and the request documentation says what the contract says. */
@MicronautTest(transactional = false)
class TaskApiTest extends CatalogTestBase {

    @Test
    @SuppressWarnings("unchecked")
    void servesEveryTaskWithItsInputsMetricsAndDirection() {
        ApiClient.Answer answer = api.get("/api/v1/tasks");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) answer.map().get("tasks");
        assertThat(tasks).extracting(t -> t.get("name")).containsExactlyElementsOf(Task.wireNames());
        Map<String, Object> classification = tasks.get(0);
        assertThat(classification).containsEntry("name", "text-classification")
                .containsEntry("earlyStoppingMetric", "f1_macro")
                .containsEntry("jobKinds", List.of("evaluate", "finetune", "predict"));
        assertThat((List<Map<String, Object>>) classification.get("inputs")).extracting(i -> i.get("name"))
                .containsExactly("sentence1", "sentence2", "label");
        assertThat((List<Map<String, Object>>) classification.get("metrics")).first()
                .isEqualTo(Map.of("name", "accuracy", "title", "Accuracy", "higherIsBetter", true,
                        "description", "share of rows whose predicted label is the true one"));
        Map<String, Object> generation = tasks.stream().filter(t -> t.get("name").equals("text-generation")).findFirst()
                .orElseThrow();
        assertThat((List<Map<String, Object>>) generation.get("metrics"))
                .extracting(m -> m.get("name") + " " + m.get("higherIsBetter"))
                .containsExactly("perplexity false", "loss false", "exact_match true");
        Map<String, Object> summarization = tasks.stream().filter(t -> t.get("name").equals("summarization"))
                .findFirst().orElseThrow();
        assertThat((List<String>) summarization.get("jobKinds")).containsExactlyInAnyOrder("evaluate", "finetune",
                "predict");
        // The metric the leaderboard ranks by until another is chosen, and early stopping's.
        assertThat(summarization).containsEntry("servedByEndpoints", true).containsEntry("earlyStoppingMetric", "rougeL");
        assertThat(classification).containsEntry("servedByEndpoints", true);
        assertThat((List<Map<String, Object>>) summarization.get("metrics"))
                .extracting(m -> m.get("name") + " " + m.get("higherIsBetter"))
                .containsExactly("rouge1 true", "rouge2 true", "rougeL true", "bleu true", "gen_len false");
        Map<String, Object> translation = tasks.stream().filter(t -> t.get("name").equals("translation"))
                .findFirst().orElseThrow();
        assertThat((List<String>) translation.get("jobKinds")).containsExactlyInAnyOrder("evaluate", "finetune",
                "predict");
        assertThat(translation).containsEntry("earlyStoppingMetric", "bleu");
        assertThat((List<Map<String, Object>>) translation.get("predictInputs"))
                .extracting(i -> i.get("name") + " " + i.get("required"))
                .containsExactly("text true", "sourceLanguage false", "targetLanguage false");
    }

    @Test
    @SuppressWarnings("unchecked")
    void servesTheSettingsOfFineTunesAndEvaluations() {
        Map<String, Object> registry = api.get("/api/v1/tasks").map();

        List<Map<String, Object>> hyperparameters = (List<Map<String, Object>>) registry.get("hyperparameters");
        assertThat(hyperparameters).extracting(h -> h.get("name"))
                .containsExactlyElementsOf(Hyperparameters.SETTINGS.stream().map(Setting::name).toList());
        assertThat(hyperparameters.get(0)).containsEntry("name", "epochs").containsEntry("type", "integer")
                .containsEntry("default", 3).containsEntry("minimum", 1.0).containsEntry("maximum", 100.0)
                .containsEntry("description", Hyperparameters.EPOCHS.describe());
        assertThat(hyperparameters).filteredOn(h -> h.get("name").equals("earlyStoppingPatience")).first()
                .satisfies(h -> assertThat(h).doesNotContainKey("default"));
        assertThat(hyperparameters).filteredOn(h -> h.get("name").equals("loraTargetModules")).first()
                .satisfies(h -> assertThat(h).containsEntry("type", "names").doesNotContainKey("default")
                        .containsEntry("description", Hyperparameters.LORA_TARGET_MODULES.describe()));
        assertThat((List<Map<String, Object>>) registry.get("evaluationSettings")).extracting(s -> s.get("name"))
                .containsExactly("batchSize", "maxSequenceLength");
        assertThat((List<Map<String, Object>>) registry.get("batchScoreSettings")).extracting(s -> s.get("name"))
                .containsExactly("miniBatchSize", "errorThreshold", "maxRetries", "instanceCount");
        assertThat((List<Map<String, Object>>) registry.get("trainingSeries")).extracting(s -> s.get("name"))
                .contains("loss", "epoch_loss");
    }

    /** The API documentation of an evaluation's settings is the contract's own sentence, so they cannot drift. */
    @Test
    void evaluationRequestDocumentsTheContractsSettings() throws NoSuchMethodException {
        for (Setting setting : EvaluateSpec.SETTINGS) {
            Schema schema = EvaluationRequest.class.getRecordComponents()[indexOf(setting.name())].getAccessor()
                    .getAnnotation(Schema.class);
            assertThat(schema.description()).as(setting.name()).isEqualTo(setting.describe());
        }
    }

    private static int indexOf(String component) {
        var components = EvaluationRequest.class.getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            if (components[i].getName().equals(component)) {
                return i;
            }
        }
        throw new AssertionError("EvaluationRequest has no " + component);
    }
}
