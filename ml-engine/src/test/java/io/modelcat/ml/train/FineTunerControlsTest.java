package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stopping, clipping and causal-LM training. */
class FineTunerControlsTest {

    private static final List<LabeledText> EXAMPLES = List.of(new LabeledText("the movie was good.", 1),
            new LabeledText("a dog is bad", 0), new LabeledText("the cat sat", 1), new LabeledText("bad", 0),
            new LabeledText("good", 1), new LabeledText("the mat is bad.", 0));

    @Test
    void listenerCanStopTrainingAfterAnyStep() {
        List<TrainingProgress> seen = new ArrayList<>();
        TrainingListener stopAfterThree = new TrainingListener() {
            @Override
            public void onStep(TrainingProgress progress) {
                seen.add(progress);
            }

            @Override
            public boolean stopRequested() {
                return seen.size() == 3;
            }
        };
        try (TransformerModel model = ModelLoader.load(Fixtures.bert())) {
            TrainingResult result = new FineTuner(TrainingConfig.defaults().withEpochs(4).withBatchSize(2),
                    stopAfterThree).trainSequenceClassification(model, EXAMPLES);
            assertThat(result.stoppedEarly()).isTrue();
            assertThat(result.steps()).isEqualTo(3);
            assertThat(result.epochMeanLosses()).hasSize(1);
            assertThat(seen.get(2).totalSteps()).isEqualTo(12);
        }
    }

    @Test
    void clippingScalesTheGlobalGradientNormDownToTheLimit() {
        try (TransformerModel model = ModelLoader.load(Fixtures.bert());
                NDManager stepManager = model.manager().newSubManager()) {
            GradientStep step = GradientStep.compute(model,
                    new SequenceClassificationBatches(model.tokenizer(), 2, 32).encode(EXAMPLES, stepManager),
                    stepManager, () -> {});
            double before = step.globalNorm();
            double limit = before / 4;
            step.clipGlobalNorm(limit);
            assertThat(step.globalNorm()).isCloseTo(limit, within(limit * 1e-4));
            step.clipGlobalNorm(limit * 10);
            assertThat(step.globalNorm()).as("a norm under the limit is left alone").isCloseTo(limit, within(limit * 1e-4));
        }
    }

    @Test
    void sameSeedGivesTheSameRunAndAnotherSeedDoesNot() {
        TrainingConfig config = TrainingConfig.defaults().withEpochs(2).withBatchSize(2).withLearningRate(1e-3);
        List<Double> first = losses(config);
        assertThat(losses(config)).containsExactlyElementsOf(first);
        assertThat(losses(config.withSeed(config.seed() + 1))).isNotEqualTo(first);
    }

    private static List<Double> losses(TrainingConfig config) {
        List<Double> losses = new ArrayList<>();
        try (TransformerModel model = ModelLoader.load(Fixtures.bert())) {
            new FineTuner(config, progress -> losses.add(progress.loss())).trainSequenceClassification(model, EXAMPLES);
        }
        return losses;
    }

    @Test
    void gpt2LearnsToRepeatASentence() {
        List<String> texts = List.of("the cat sat on the mat.", "a dog was good.", "the movie is bad.");
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            TrainingResult result = new FineTuner(
                    TrainingConfig.defaults().withEpochs(30).withBatchSize(3).withLearningRate(1e-2).withSeed(1),
                    TrainingListener.NONE).train(model, texts, new CausalLmBatches(model.tokenizer(), 45, 32));
            System.out.printf("gpt2 fine-tune: loss %.4f -> %.4f%n", result.firstLoss(), result.lastLoss());
            assertThat(result.firstLoss()).isGreaterThan(3.0);
            assertThat(result.lastLoss()).isLessThan(result.firstLoss() * 0.3);
        }
    }
}
