package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Guards against DJL's scalar bug: a garbage collection between forward and backward must not
 * turn gradients into NaN or zeros, nor change them at all.
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
    void bertGradientsStayUnchangedWhenGcRunsBeforeBackward() {
        try (TransformerModel model = ModelLoader.load(Fixtures.bert())) {
            var batches = new SequenceClassificationBatches(model.tokenizer(), 2, 32);
            assertGradientsSurviveGc(model, manager -> batches.encode(
                    List.of(new LabeledText("the movie was good.", 1), new LabeledText("a dog is bad", 0)), manager));
        }
    }

    @Test
    void gpt2GradientsStayUnchangedWhenGcRunsBeforeBackward() {
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            var batches = new CausalLmBatches(model.tokenizer(), 45, 32);
            assertGradientsSurviveGc(model, manager -> batches.encode(
                    List.of("the cat sat on the mat.", "a dog was bad"), manager));
        }
    }

    /** Llama (grouped-query attention, rotary scaling) and Qwen3 (q/k norms), with pad-token rows in the batch. */
    @Test
    void llamaFamilyGradientsStayUnchangedWhenGcRunsBeforeBackward() {
        for (String name : List.of("llama", "qwen3")) {
            try (TransformerModel model = ModelLoader.load(Fixtures.model(name))) {
                var batches = new CausalLmBatches(model.tokenizer(), model.config().requiredInt("vocab_size"), 32);
                assertGradientsSurviveGc(model, manager -> batches.encode(
                        List.of("the cat sat on the mat.", "a dog was bad"), manager));
            }
        }
    }

    @Test
    void distilbertGradientsStayUnchangedWhenGcRunsBeforeBackward() {
        Path directory = Fixtures.distilbert();
        try (TransformerModel model = ModelLoader.load(directory)) {
            var batches = new TokenClassificationBatches(model.tokenizer(), 3, 32);
            assertGradientsSurviveGc(model, manager -> batches.encode(
                    List.of(new LabeledTokens(List.of("the", "cat", "sat"), List.of(0, 1, 2))), manager));
        }
    }

    @Test
    void maskedLmHeadGradientsStayUnchangedWhenGcRunsBeforeBackward() {
        try (TransformerModel model = ModelLoader.load(Fixtures.bert(),
                new io.modelcat.ml.model.HeadRequest(io.modelcat.ml.arch.HeadType.MASKED_LM, List.of(), 1))) {
            var batches = new MaskedLmBatches(model.tokenizer(), 45, 32, 0.5, 3);
            assertGradientsSurviveGc(model, manager -> batches.encode(
                    List.of("the cat sat on the mat.", "a dog was bad"), manager));
        }
    }

    @Test
    void questionAnsweringHeadGradientsStayUnchangedWhenGcRunsBeforeBackward() {
        try (TransformerModel model = ModelLoader.load(Fixtures.distilbert(),
                new io.modelcat.ml.model.HeadRequest(io.modelcat.ml.arch.HeadType.QUESTION_ANSWERING, List.of(), 1))) {
            var batches = new QuestionAnsweringBatches(model.tokenizer(), 32, 0);
            assertGradientsSurviveGc(model, manager -> batches.encode(List.of(
                    new LabeledAnswer("where?", "the cat sat on the mat.", 19, "mat"),
                    LabeledAnswer.unanswerable("is it good?", "a dog was bad")), manager));
        }
    }

    /**
     * The same step twice from the same random state, once plainly and once with a forced GC between forward
     * and backward: every gradient must be finite and equal to the plain step's. (Demanding each gradient be
     * non-zero would be wrong: the question-answering bias, added to every position before a softmax over
     * positions, has a gradient of exactly zero in exact arithmetic, and only rounding noise makes it non-zero.)
     */
    private static void assertGradientsSurviveGc(TransformerModel model,
            java.util.function.Function<NDManager, EncodedBatch> batch) {
        for (int attempt = 0; attempt < 3; attempt++) {
            // One batch for both steps (masked-LM batches draw their masks anew at each encoding).
            try (NDManager batchManager = model.manager().newSubManager()) {
                EncodedBatch encoded = batch.apply(batchManager);
                Map<String, float[]> plain = new HashMap<>();
                double plainLoss;
                try (NDManager stepManager = model.manager().newSubManager()) {
                    Engine.getEngine(ModelLoader.ENGINE).setRandomSeed(attempt);
                    GradientStep step = GradientStep.compute(model, encoded, stepManager, () -> {});
                    plainLoss = step.loss();
                    step.byName().forEach((name, gradient) -> plain.put(name, gradient.toFloatArray()));
                }
                try (NDManager stepManager = model.manager().newSubManager()) {
                    Engine.getEngine(ModelLoader.ENGINE).setRandomSeed(attempt);
                    GradientStep step = GradientStep.compute(model, encoded, stepManager, FORCE_GC);
                    assertThat(step.loss()).isFinite().isPositive().isCloseTo(plainLoss, within(1e-6));
                    double sumOfSquares = 0;
                    for (Map.Entry<String, NDArray> gradient : step.byName().entrySet()) {
                        float[] values = gradient.getValue().toFloatArray();
                        float[] expected = plain.get(gradient.getKey());
                        float tolerance = (float) (1e-6 * Math.max(1, maxAbs(expected)));
                        for (int index = 0; index < values.length; index++) {
                            assertThat(values[index]).as("gradient of %s", gradient.getKey()).isFinite()
                                    .isCloseTo(expected[index], within(tolerance));
                            sumOfSquares += (double) values[index] * values[index];
                        }
                    }
                    double norm = Math.sqrt(sumOfSquares);
                    assertThat(norm).as("global L2 norm").isPositive();
                    assertThat(step.globalNorm()).as("global L2 norm").isCloseTo(norm, within(norm * 1e-5));
                }
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

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float value : values) {
            max = Math.max(max, Math.abs(value));
        }
        return max;
    }
}
