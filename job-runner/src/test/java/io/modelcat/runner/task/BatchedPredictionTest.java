package io.modelcat.runner.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.testsupport.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A deployment's batch (texts of different lengths, pairs among them) classified as each text alone would be. */
class BatchedPredictionTest {

    @Test
    void aBatchAnswersWhatEachInputAloneAnswers() {
        TaskRecipe recipe = TaskRecipes.predicting(Task.TEXT_CLASSIFICATION);
        try (TransformerModel model = ModelLoader.load(Fixtures.model("distilbert-sequence-classification"))) {
            List<PredictSpec> specs = List.of(
                    spec(Map.of("text", "short")),
                    spec(Map.of("text", "a much longer sentence that needs many more tokens than the first one")),
                    spec(Map.of("text", "a premise", "text2", "and its hypothesis")),
                    spec(Map.of("text", "middle length text here")));
            List<Object> batched = recipe.predictAll(model, specs, 128);
            assertThat(batched).hasSize(4);
            for (int i = 0; i < specs.size(); i++) {
                Map<?, ?> alone = (Map<?, ?>) recipe.predict(model, specs.get(i), 128);
                Map<?, ?> inBatch = (Map<?, ?>) batched.get(i);
                assertThat(inBatch.get("label")).as("input %d", i).isEqualTo(alone.get("label"));
                // Padding to the batch's longest text changes the arithmetic's order, not the result.
                assertThat((Double) inBatch.get("score")).as("input %d", i)
                        .isCloseTo((Double) alone.get("score"), within(1e-5));
            }
        }
    }

    private static PredictSpec spec(Map<String, String> inputs) {
        return new PredictSpec(Task.TEXT_CLASSIFICATION, "file:///unused", inputs, null, null);
    }
}
