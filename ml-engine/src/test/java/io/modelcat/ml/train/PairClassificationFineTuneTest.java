package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.infer.TextClassifier;
import io.modelcat.ml.metrics.ClassificationReport;
import io.modelcat.ml.model.HeadRequest;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/** BERT learns a pair task where only the second text decides: is it "good"? */
class PairClassificationFineTuneTest {

    private static final List<String> FIRSTS = List.of("the cat sat", "a dog was bad", "the movie is good",
            "the mat", "a cat is good", "the dogs sat on a mat");
    private static final List<String> SUBJECTS = List.of("the cat", "a dog", "the movie", "the mats", "a movie");

    @TempDir
    Path temporary;

    @Test
    void tinyBertLearnsWhichSegmentMatters() {
        List<LabeledPair> all = new ArrayList<>();
        for (String first : FIRSTS) {
            for (String subject : SUBJECTS) {
                for (String verb : List.of(" was ", " is ")) {
                    all.add(new LabeledPair(first, subject + verb + "good.", 1));
                    all.add(new LabeledPair(first, subject + verb + "bad.", 0));
                }
            }
        }
        Collections.shuffle(all, new Random(13));
        List<LabeledPair> train = all.subList(0, 80);
        List<LabeledPair> heldOut = all.subList(80, 120);
        TrainingConfig config = TrainingConfig.defaults().withEpochs(8).withBatchSize(8).withLearningRate(3e-3)
                .withWarmupRatio(0.1).withSeed(2);

        try (TransformerModel model = ModelLoader.load(Fixtures.bertWithPairTemplate(temporary),
                new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, List.of("bad", "good"), 8))) {
            TrainingResult result = new FineTuner(config, TrainingListener.NONE).train(model, train,
                    new SentencePairClassificationBatches(model.tokenizer(), 2, 64));
            ClassificationReport report = new TextClassifier(model, 8, 64).evaluatePairs(heldOut);

            System.out.printf("pair fine-tune: epoch loss %.4f -> %.4f, held-out accuracy %.3f%n",
                    result.epochMeanLosses().get(0), result.epochMeanLosses().get(7), report.accuracy());
            assertThat(result.epochMeanLosses().get(7)).isLessThan(result.epochMeanLosses().get(0) * 0.3);
            assertThat(report.accuracy()).isGreaterThanOrEqualTo(0.9);
        }
    }
}
