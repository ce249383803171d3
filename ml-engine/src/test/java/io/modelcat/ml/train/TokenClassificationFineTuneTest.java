package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.infer.TokenTagger;
import io.modelcat.ml.metrics.EntityReport;
import io.modelcat.ml.model.HeadRequest;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Fine-tunes the tiny DistilBERT to tag animals and things, scored with entity-level F1. */
class TokenClassificationFineTuneTest {

    private static final List<String> LABELS = List.of("O", "B-ANIMAL", "B-THING");
    private static final List<String> ANIMALS = List.of("cat", "dog", "cats", "dogs");
    private static final List<String> THINGS = List.of("mat", "movie", "mats", "movies");
    private static final List<String> OTHERS = List.of("the", "a", "sat", "on", "was", "is", "good", "bad", ".", ",");

    @Test
    void tinyDistilbertLearnsToTagWords() {
        Random random = new Random(5);
        List<LabeledTokens> train = sentences(random, 96);
        List<LabeledTokens> heldOut = sentences(random, 48);
        TrainingConfig config = TrainingConfig.defaults().withEpochs(8).withBatchSize(8).withLearningRate(3e-3)
                .withWeightDecay(0.01).withWarmupRatio(0.1).withSeed(9);

        try (TransformerModel model = ModelLoader.load(Fixtures.distilbert(),
                new HeadRequest(HeadType.TOKEN_CLASSIFICATION, LABELS, 4))) {
            TrainingResult result = new FineTuner(config, TrainingListener.NONE).train(model, train,
                    new TokenClassificationBatches(model.tokenizer(), LABELS.size(), 64));
            EntityReport report = new TokenTagger(model, 16, 64).evaluate(heldOut);

            System.out.printf("token fine-tune: epoch loss %.4f -> %.4f, held-out entity F1 %.3f, token accuracy %.3f%n",
                    result.epochMeanLosses().get(0), result.lastLoss(), report.overall().f1(), report.tokenAccuracy());
            assertThat(result.epochMeanLosses().get(7)).isLessThan(result.epochMeanLosses().get(0) * 0.3);
            assertThat(report.overall().f1()).isGreaterThanOrEqualTo(0.9);
            assertThat(report.perType()).containsOnlyKeys("ANIMAL", "THING");
        }
    }

    private static List<LabeledTokens> sentences(Random random, int count) {
        List<LabeledTokens> sentences = new ArrayList<>();
        for (int sentence = 0; sentence < count; sentence++) {
            List<String> words = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            int length = 4 + random.nextInt(6);
            for (int position = 0; position < length; position++) {
                int kind = random.nextInt(4);
                List<String> pool = kind == 0 ? ANIMALS : kind == 1 ? THINGS : OTHERS;
                words.add(pool.get(random.nextInt(pool.size())));
                labels.add(kind == 0 ? 1 : kind == 1 ? 2 : 0);
            }
            sentences.add(new LabeledTokens(words, labels));
        }
        return sentences;
    }
}
