package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelcat.ml.Fixtures;
import io.modelcat.ml.infer.Seq2SeqGenerator;
import io.modelcat.ml.model.ModelSaver;
import io.modelcat.ml.model.Seq2SeqModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Teacher-forced fine-tuning of the tiny encoder-decoders on a synthetic task (each source's ids in reverse order): the
 * loss falls, with a garbage collection forced between every forward and backward pass (see DJL_NOTES: a scalar freed
 * early would make the gradients NaN or zero), and the model then generates a training target greedily.
 */
class Seq2SeqFineTunerTest {

    static Stream<String> models() {
        return Stream.of("t5-v1_0", "bart");
    }

    @ParameterizedTest
    @MethodSource("models")
    void lossFallsOnASyntheticSetAndTheModelLearnsIt(String name) {
        try (Seq2SeqModel model = Seq2SeqModel.load(Fixtures.model(name))) {
            long eos = model.config().optionalLong("eos_token_id").orElseThrow();
            List<Seq2SeqFineTuner.Pair> pairs = reversals(16, eos, new Random(7));
            TrainingConfig config = TrainingConfig.defaults().withEpochs(40).withBatchSize(8).withLearningRate(1e-2)
                    .withWeightDecay(0.01).withWarmupRatio(0.05).withSeed(3);
            List<Double> losses = new Seq2SeqFineTuner(config).train(model, pairs, System::gc);
            assertThat(losses).hasSize(80).allSatisfy(loss -> assertThat(loss).isFinite());
            double firstTwo = (losses.get(0) + losses.get(1)) / 2;
            double lastFour = losses.subList(76, 80).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertThat(lastFour).as("%s: %s", name, losses).isLessThan(firstTwo * 0.2);

            Seq2SeqFineTuner.Pair learned = pairs.get(0);
            long[][] source = {learned.source()};
            long[][] mask = {ones(learned.source().length)};
            Seq2SeqGenerator generator = new Seq2SeqGenerator(model);
            long[] generated = generator.generate(source, mask, generator.modelDefaults().withNumBeams(1)
                    .withMinLength(0).withNoRepeatNgramSize(0).withForcedBosTokenId(null).withMaxNewTokens(8)).get(0);
            assertThat(generated).as(name).containsExactly(learned.target());

            // Saved as a Hugging Face folder and loaded back, the trained model computes the same logits.
            Path saved = directory.resolve(name);
            ModelSaver.save(model, saved);
            long[][] decoder = {{model.config().optionalLong("decoder_start_token_id").orElseThrow(), 7, 9}};
            try (Seq2SeqModel reloaded = Seq2SeqModel.load(saved)) {
                assertThat(reloaded.logits(source, mask, decoder)).isDeepEqualTo(model.logits(source, mask, decoder));
            }
            assertThat(saved.resolve("config.json")).exists();
        }
    }

    @TempDir
    Path directory;

    @org.junit.jupiter.api.Test
    void theListenerHearsStepsAndEpochsAndStopsTheRun() {
        try (Seq2SeqModel model = Seq2SeqModel.load(Fixtures.model("t5-v1_1"))) {
            long eos = model.config().optionalLong("eos_token_id").orElseThrow();
            List<TrainingProgress> steps = new ArrayList<>();
            List<Double> epochs = new ArrayList<>();
            TrainingListener stopAfterTwoEpochs = new TrainingListener() {
                @Override
                public void onStep(TrainingProgress progress) {
                    steps.add(progress);
                }

                @Override
                public void onEpochEnd(int epoch, double meanLoss) {
                    epochs.add(meanLoss);
                }

                @Override
                public boolean stopRequested() {
                    return epochs.size() == 2;
                }
            };
            TrainingConfig config = TrainingConfig.defaults().withEpochs(5).withBatchSize(4).withLearningRate(1e-2);
            TrainingResult result = new Seq2SeqFineTuner(config, stopAfterTwoEpochs).fit(model,
                    reversals(8, eos, new Random(5)));
            assertThat(result.stoppedEarly()).isTrue();
            assertThat(result.steps()).isEqualTo(4);
            assertThat(result.epochMeanLosses()).hasSize(2).containsExactlyElementsOf(epochs);
            assertThat(steps).extracting(TrainingProgress::step).containsExactly(1, 2, 3, 4);
            assertThat(steps).extracting(TrainingProgress::totalSteps).containsOnly(10);
            assertThat(steps).extracting(TrainingProgress::epoch).containsExactly(1, 1, 2, 2);
            assertThat(epochs.get(0)).isEqualTo((steps.get(0).loss() + steps.get(1).loss()) / 2, within(1e-9));
        }
    }

    /** Sources of 3 to 5 ids from 5 to 29 followed by the end token; targets the same ids reversed, then the end token. */
    private static List<Seq2SeqFineTuner.Pair> reversals(int count, long eos, Random random) {
        List<Seq2SeqFineTuner.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = 3 + random.nextInt(3);
            long[] source = new long[length + 1];
            long[] target = new long[length + 1];
            for (int j = 0; j < length; j++) {
                source[j] = 5 + random.nextInt(25);
            }
            for (int j = 0; j < length; j++) {
                target[j] = source[length - 1 - j];
            }
            source[length] = eos;
            target[length] = eos;
            pairs.add(new Seq2SeqFineTuner.Pair(source, target));
        }
        return pairs;
    }

    private static long[] ones(int length) {
        long[] mask = new long[length];
        java.util.Arrays.fill(mask, 1L);
        return mask;
    }
}
