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
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fine-tunes the tiny BERT on a learnable toy task and checks that it learned it. */
class FineTunerTest {

    @Test
    void tinyBertLearnsGoodVersusBadWithANewHead() {
        SentimentDataset data = new SentimentDataset(7);
        List<LabeledText> train = data.train(96);
        List<LabeledText> heldOut = data.heldOut(96, 64);
        TrainingConfig config = TrainingConfig.defaults().withEpochs(6).withBatchSize(8).withLearningRate(3e-3)
                .withWeightDecay(0.01).withWarmupRatio(0.1).withSeed(3);
        List<TrainingProgress> progress = new ArrayList<>();
        List<Double> epochLosses = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(TrainingProgress step) {
                progress.add(step);
            }

            @Override
            public void onEpochEnd(int epoch, double meanLoss) {
                epochLosses.add(meanLoss);
            }
        };

        try (TransformerModel model = ModelLoader.load(Fixtures.bert(),
                new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, List.of("negative", "positive"), 11))) {
            TextClassifier classifier = new TextClassifier(model, 16, 64);
            double accuracyBefore = classifier.evaluate(heldOut).accuracy();
            TrainingResult result = new FineTuner(config, listener).trainSequenceClassification(model, train);
            ClassificationReport report = classifier.evaluate(heldOut);
            double accuracyAfter = report.accuracy();

            System.out.printf("fine-tune: first epoch mean loss %.4f, last epoch mean loss %.4f, first batch %.4f,"
                            + " last batch %.4f, held-out accuracy %.3f -> %.3f, %d steps in %.1f s%n",
                    result.epochMeanLosses().get(0), result.epochMeanLosses().get(5), result.firstLoss(),
                    result.lastLoss(), accuracyBefore, accuracyAfter, result.steps(), result.seconds());
            assertThat(result.steps()).isEqualTo(6 * 12);
            assertThat(progress).hasSize(72);
            assertThat(epochLosses).containsExactlyElementsOf(result.epochMeanLosses());
            assertThat(result.epochMeanLosses().get(5)).isLessThan(result.epochMeanLosses().get(0) * 0.3);
            assertThat(accuracyAfter).isGreaterThanOrEqualTo(0.9);
            assertThat(report.macro().f1()).isGreaterThanOrEqualTo(0.9);
            assertThat(report.perClass().get(1).label()).isEqualTo("positive");
            assertThat(progress.get(0).learningRate()).isZero();
            assertThat(progress).allSatisfy(step -> assertThat(step.samplesPerSecond()).isPositive());
            assertThat(progress.get(71).epoch()).isEqualTo(6);
        }
    }
}
