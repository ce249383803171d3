package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Guards against DJL's scalar bug: a garbage collection between forward and backward must not
 * turn gradients into NaN or zeros.
 */
class GradientStepTest {

    private static final Runnable FORCE_GC = () -> {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    };

    @Test
    void bertGradientsStayFiniteAndNonZeroWhenGcRunsBeforeBackward() {
        try (TransformerModel model = ModelLoader.load(Fixtures.bert())) {
            var batches = new SequenceClassificationBatches(model.tokenizer(), 2, 32);
            assertGradientsSurviveGc(model, manager -> batches.encode(
                    List.of(new LabeledText("the movie was good.", 1), new LabeledText("a dog is bad", 0)), manager));
        }
    }

    @Test
    void gpt2GradientsStayFiniteAndNonZeroWhenGcRunsBeforeBackward() {
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            var batches = new CausalLmBatches(model.tokenizer(), 45, 32);
            assertGradientsSurviveGc(model, manager -> batches.encode(
                    List.of("the cat sat on the mat.", "a dog was bad"), manager));
        }
    }

    @Test
    void distilbertGradientsStayFiniteAndNonZeroWhenGcRunsBeforeBackward() {
        Path directory = Fixtures.distilbert();
        try (TransformerModel model = ModelLoader.load(directory)) {
            var batches = new TokenClassificationBatches(model.tokenizer(), 3, 32);
            assertGradientsSurviveGc(model, manager -> batches.encode(
                    List.of(new LabeledTokens(List.of("the", "cat", "sat"), List.of(0, 1, 2))), manager));
        }
    }

    @Test
    void maskedLmHeadGradientsStayFiniteAndNonZeroWhenGcRunsBeforeBackward() {
        try (TransformerModel model = ModelLoader.load(Fixtures.bert(),
                new io.modelcat.ml.model.HeadRequest(io.modelcat.ml.arch.Task.MASKED_LM, List.of(), 1))) {
            var batches = new MaskedLmBatches(model.tokenizer(), 45, 32, 0.5, 3);
            assertGradientsSurviveGc(model, manager -> batches.encode(
                    List.of("the cat sat on the mat.", "a dog was bad"), manager));
        }
    }

    @Test
    void questionAnsweringHeadGradientsStayFiniteAndNonZeroWhenGcRunsBeforeBackward() {
        try (TransformerModel model = ModelLoader.load(Fixtures.distilbert(),
                new io.modelcat.ml.model.HeadRequest(io.modelcat.ml.arch.Task.QUESTION_ANSWERING, List.of(), 1))) {
            var batches = new QuestionAnsweringBatches(model.tokenizer(), 32, 0);
            assertGradientsSurviveGc(model, manager -> batches.encode(List.of(
                    new LabeledAnswer("where?", "the cat sat on the mat.", 19, "mat"),
                    LabeledAnswer.unanswerable("is it good?", "a dog was bad")), manager));
        }
    }

    private static void assertGradientsSurviveGc(TransformerModel model,
            java.util.function.Function<NDManager, EncodedBatch> batch) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try (NDManager stepManager = model.manager().newSubManager()) {
                GradientStep step = GradientStep.compute(model, batch.apply(stepManager), stepManager, FORCE_GC);
                assertThat(step.loss()).isFinite().isPositive();
                double sumOfSquares = 0;
                for (Map.Entry<String, NDArray> gradient : step.byName().entrySet()) {
                    float[] values = gradient.getValue().toFloatArray();
                    double absoluteSum = 0;
                    for (float value : values) {
                        assertThat(value).as("gradient of %s", gradient.getKey()).isFinite();
                        absoluteSum += Math.abs(value);
                        sumOfSquares += (double) value * value;
                    }
                    assertThat(absoluteSum).as("gradient of %s", gradient.getKey()).isPositive();
                }
                double norm = Math.sqrt(sumOfSquares);
                assertThat(step.globalNorm()).as("global L2 norm").isCloseTo(norm, within(norm * 1e-5));
            }
        }
    }

    @Test
    void eachStepHasItsOwnGradientsAndTheWeightsHoldNone() {
        try (TransformerModel model = ModelLoader.load(Fixtures.bert())) {
            var batches = new SequenceClassificationBatches(model.tokenizer(), 2, 32);
            List<LabeledText> examples = List.of(new LabeledText("the movie was good.", 1),
                    new LabeledText("a dog is bad", 0));
            double[] norms = new double[2];
            for (int step = 0; step < norms.length; step++) {
                // The same seed gives the same dropout masks, so the same batch gives the same gradients.
                model.manager().getEngine().setRandomSeed(5);
                try (NDManager stepManager = model.manager().newSubManager()) {
                    norms[step] = GradientStep.compute(model, batches.encode(examples, stepManager), stepManager,
                            () -> {}).globalNorm();
                }
            }
            assertThat(norms[0]).isPositive();
            assertThat(norms[1]).as("not added to the first step's").isCloseTo(norms[0], within(norms[0] * 1e-5));
            assertThat(model.parameters().values()).noneMatch(NDArray::hasGradient);
        }
    }
}
