package io.modelcat.runner.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.GenerationConfig;
import io.modelcat.ml.infer.TextGenerator;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.testsupport.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A call's generation settings over the model's generation config, and a stop string that ends generation. */
class GenerationSettingsTest {

    /** As Qwen2.5-Instruct's generation_config.json: sampling by default. */
    private static final GenerationConfig SAMPLING_MODEL = new GenerationConfig(512, true, 0.7, 20, 0.8, 0L,
            List.of(7L), 1.05, List.of(), GenerationConfig.NO_LOGPROBS);

    @Test
    void whatTheCallLeavesOutComesFromTheModel() {
        GenerationConfig config = TextGenerationRecipe.settings(SAMPLING_MODEL,
                new PredictSpec.Generation(null, null, null, null, null));
        assertThat(config.sample()).isTrue();
        assertThat(config.maxNewTokens()).isEqualTo(512);
        assertThat(config.temperature()).isEqualTo(0.7);
        assertThat(config.topK()).isEqualTo(20);
        assertThat(config.repetitionPenalty()).isEqualTo(1.05);
        assertThat(config.eosTokenIds()).containsExactly(7L);
    }

    @Test
    void greedyAskedForIsGreedyWhateverTheModelPrefers() {
        GenerationConfig config = TextGenerationRecipe.settings(SAMPLING_MODEL, PredictSpec.Generation.greedy(9));
        assertThat(config.sample()).isFalse();
        assertThat(config.maxNewTokens()).isEqualTo(9);
    }

    @Test
    void aSamplingSettingAsksForSamplingFromAGreedyModel() {
        GenerationConfig config = TextGenerationRecipe.settings(GenerationConfig.greedy(),
                new PredictSpec.Generation(5, null, null, 0.9, 3L, null, 1.3, List.of("###")));
        assertThat(config).isEqualTo(new GenerationConfig(5, true, 1.0, 0, 0.9, 3L, null, 1.3, List.of("###"),
                GenerationConfig.NO_LOGPROBS));
        assertThat(TextGenerationRecipe.settings(GenerationConfig.greedy(),
                new PredictSpec.Generation(5, null, null, null, null).withLogprobs(2)).logprobs()).isEqualTo(2);
        assertThat(TextGenerationRecipe.settings(GenerationConfig.greedy(),
                new PredictSpec.Generation(null, null, null, null, null)).sample()).isFalse();
    }

    @Test
    void aStopStringEndsTheGenerationOnTheRunner() {
        try (TransformerModel model = ModelLoader.load(Fixtures.model("gpt2"))) {
            GenerationConfig greedy = GenerationConfig.greedy().withMaxNewTokens(12).withEosTokenIds(List.of());
            String whole = new TextGenerator(model).generate("a dog", greedy).text();
            String stop = whole.substring(whole.length() / 2, whole.length() / 2 + 2);
            PredictSpec spec = new PredictSpec(Task.TEXT_GENERATION, "file:///x", Map.of("text", "a dog"), null,
                    PredictSpec.Generation.greedy(12).withStop(List.of(stop)));
            Map<?, ?> prediction = (Map<?, ?>) TaskRecipes.predicting(Task.TEXT_GENERATION).predict(model, spec, 64);
            assertThat(prediction.get("finishReason")).isEqualTo("stop");
            assertThat(prediction.get("generatedText")).isEqualTo(whole.substring(0, whole.indexOf(stop)));
            assertThat((Integer) prediction.get("newTokens")).isLessThan(12);
        }
    }
}
