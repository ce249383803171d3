package io.modelcat.runner.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.jobs.spec.ChatMessage;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.testsupport.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A deployment's batch of generation calls runs as one left-padded batch and answers what each call alone would. */
class BatchedGenerationTest {

    @Test
    void aBatchOfCallsAnswersWhatEachCallAloneWould() {
        TaskRecipe recipe = TaskRecipes.predicting(Task.TEXT_GENERATION);
        List<PredictSpec> specs = List.of(
                spec(Map.of("text", "the cat sat on the mat"), PredictSpec.Generation.greedy(6), null),
                spec(Map.of("text", "a dog"), PredictSpec.Generation.greedy(3), null),
                spec(Map.of(), PredictSpec.Generation.greedy(5), List.of(new ChatMessage("system", "Be terse."),
                        new ChatMessage("user", "hi"))),
                spec(Map.of("text", "good"), PredictSpec.Generation.greedy(8).withStop(List.of("zzz")), null));
        try (TransformerModel model = ModelLoader.load(Fixtures.model("gpt2-chat-chatml"))) {
            List<Object> batched = recipe.predictAll(model, specs, 64);
            List<Object> alone = new ArrayList<>();
            for (PredictSpec spec : specs) {
                alone.add(recipe.predict(model, spec, 64));
            }
            assertThat(batched).isEqualTo(alone);
            assertThat(((Map<?, ?>) batched.get(1)).get("newTokens")).isEqualTo(3);

            // Sampled calls with their own seeds: reproducible in a batch, and each as long as it asked.
            List<PredictSpec> sampled = List.of(
                    spec(Map.of("text", "the cat"), new PredictSpec.Generation(7, 1.2, null, null, 1L), null),
                    spec(Map.of("text", "the cat"), new PredictSpec.Generation(4, 1.2, null, null, 2L), null));
            List<Object> first = recipe.predictAll(model, sampled, 64);
            assertThat(recipe.predictAll(model, sampled, 64)).isEqualTo(first);
            assertThat(((Map<?, ?>) first.get(1)).get("newTokens")).isEqualTo(4);
        }
    }

    @Test
    void callsWithTheSamePromptShareOnePassOverItsLogprobs() {
        TaskRecipe recipe = TaskRecipes.predicting(Task.TEXT_GENERATION);
        PredictSpec.Generation echoed = new PredictSpec.Generation(2, 1.0, null, null, 1L).withLogprobs(1, true);
        // An echoed call's n choices: the same prompt, drawn with different seeds; then another prompt.
        List<PredictSpec> specs = List.of(
                spec(Map.of("text", "the cat sat"), echoed, null),
                spec(Map.of("text", "the cat sat"), echoed.withSeed(2L), null),
                spec(Map.of("text", "a dog"), echoed, null));
        try (TransformerModel model = ModelLoader.load(Fixtures.model("gpt2-chat-chatml"))) {
            List<Object> batched = recipe.predictAll(model, specs, 64);
            for (int i = 0; i < specs.size(); i++) {
                // The prompt's pass is the same computation alone or not; the new tokens' log-probabilities come
                // from a padded batch, equal to a call's alone only to float rounding: not compared here.
                Map<?, ?> one = (Map<?, ?>) recipe.predict(model, specs.get(i), 64);
                Map<?, ?> inBatch = (Map<?, ?>) batched.get(i);
                assertThat(inBatch.get("generatedText")).isEqualTo(one.get("generatedText"));
                assertThat(inBatch.get("promptLogprobs")).isEqualTo(one.get("promptLogprobs"));
            }
            Object first = ((Map<?, ?>) batched.get(0)).get("promptLogprobs");
            assertThat(first).asList().hasSize(3);
            assertThat(((Map<?, ?>) batched.get(1)).get("promptLogprobs")).as("computed once for both").isSameAs(first);
            assertThat(((Map<?, ?>) batched.get(2)).get("promptLogprobs")).isNotSameAs(first).asList().hasSize(2);
        }
    }

    private static PredictSpec spec(Map<String, String> inputs, PredictSpec.Generation generation,
                                    List<ChatMessage> messages) {
        return new PredictSpec(Task.TEXT_GENERATION, "file:///x", inputs, null, generation, messages);
    }
}
