package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.DjlEnvironment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks AdamW against values worked out by hand from the torch.optim.AdamW update rule, in both
 * of its forms: in place (the CPU default) and one native call per parameter (the GPU default).
 */
class AdamWTest {

    @BeforeAll
    static void configureDjl() {
        DjlEnvironment.configure();
    }

    @ParameterizedTest(name = "in place: {0}")
    @ValueSource(booleans = {true, false})
    void firstStepMovesByTheLearningRateAndDecaysOnlyWeights(boolean inPlace) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = manager.create(new float[] {1f, -2f});
            NDArray bias = manager.create(new float[] {1f});
            AdamW optimizer = new AdamW(manager.newSubManager(), 0.01, inPlace);
            // Step 1: bias-corrected m = g and v = g^2, so the update is lr * sign(g) (up to epsilon).
            optimizer.update(Map.of("dense.weight", weight, "dense.bias", bias),
                    Map.of("dense.weight", manager.create(new float[] {0.5f, -3f}),
                            "dense.bias", manager.create(new float[] {0.5f})),
                    0.1);
            // weight: 1 * (1 - 0.1*0.01) - 0.1 = 0.899; -2 * 0.999 + 0.1 = -1.898; bias: 1 - 0.1 = 0.9
            assertThat(weight.toFloatArray()[0]).isCloseTo(0.899f, within(1e-6f));
            assertThat(weight.toFloatArray()[1]).isCloseTo(-1.898f, within(1e-6f));
            assertThat(bias.toFloatArray()[0]).isCloseTo(0.9f, within(1e-6f));
        }
    }

    @ParameterizedTest(name = "in place: {0}")
    @ValueSource(booleans = {true, false})
    void secondStepUsesBiasCorrectedMoments(boolean inPlace) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = manager.create(new float[] {0f});
            AdamW optimizer = new AdamW(manager.newSubManager(), 0.0, inPlace);
            optimizer.update(Map.of("w", weight), Map.of("w", manager.create(new float[] {1f})), 0.1);
            optimizer.update(Map.of("w", weight), Map.of("w", manager.create(new float[] {-1f})), 0.1);
            // m2 = 0.9*0.1 - 0.1 = -0.01, mhat = -0.01/0.19; v2 = 0.999*0.001 + 0.001 = 0.001999, vhat = 0.001999/0.001999 = 1
            double secondUpdate = 0.1 * (-0.01 / 0.19) / (Math.sqrt(1.0) + 1e-8);
            assertThat(weight.toFloatArray()[0]).isCloseTo((float) (-0.1 - secondUpdate), within(1e-6f));
        }
    }

    @ParameterizedTest(name = "in place: {0}")
    @ValueSource(booleans = {true, false})
    void followsTorchAdamWOverSeveralSteps(boolean inPlace) {
        float[] start = {0.3f, -1.2f, 2.5f};
        float[][] gradients = {{0.5f, -3f, 1e-4f}, {-0.2f, 1f, 2e-4f}, {0.7f, 0.1f, -5e-5f}, {1e-3f, -2f, 0f}};
        // The first rate is 0, as the first step of a linear warm-up is.
        double[] rates = {0, 2e-3, 5e-4, 1e-3};
        double decay = 0.1;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = manager.create(start);
            AdamW optimizer = new AdamW(manager.newSubManager(), decay, inPlace);
            for (int step = 0; step < gradients.length; step++) {
                optimizer.update(Map.of("w", weight), Map.of("w", manager.create(gradients[step])), rates[step]);
            }
            float[] actual = weight.toFloatArray();
            for (int index = 0; index < start.length; index++) {
                // torch.optim.AdamW, written out in double precision
                double w = start[index];
                double m = 0;
                double v = 0;
                for (int step = 1; step <= gradients.length; step++) {
                    double g = gradients[step - 1][index];
                    double rate = rates[step - 1];
                    w *= 1 - rate * decay;
                    m = 0.9 * m + 0.1 * g;
                    v = 0.999 * v + 0.001 * g * g;
                    double mHat = m / (1 - Math.pow(0.9, step));
                    double vHat = v / (1 - Math.pow(0.999, step));
                    w -= rate * mHat / (Math.sqrt(vHat) + 1e-8);
                }
                assertThat(actual[index]).isCloseTo((float) w, within(1e-6f));
            }
        }
    }

    @ParameterizedTest(name = "in place: {0}")
    @ValueSource(booleans = {true, false})
    void aGradientScaleActsAsIfTheGradientsHadBeenScaledFirst(boolean inPlace) {
        float[][] gradients = {{0.5f, -3f, 1e-4f}, {-0.2f, 1f, 2e-4f}, {0.7f, 0.1f, -5e-5f}};
        float[] scales = {0.25f, 1f, 0.5f};
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray scaledInside = manager.create(new float[] {0.3f, -1.2f, 2.5f});
            NDArray scaledBefore = scaledInside.duplicate();
            AdamW inside = new AdamW(manager.newSubManager(), 0.01, inPlace);
            AdamW before = new AdamW(manager.newSubManager(), 0.01, inPlace);
            for (int step = 0; step < gradients.length; step++) {
                inside.update(Map.of("w", scaledInside), Map.of("w", manager.create(gradients[step])), 1e-3,
                        manager.create(scales[step]));
                float[] scaled = gradients[step].clone();
                for (int index = 0; index < scaled.length; index++) {
                    scaled[index] *= scales[step];
                }
                before.update(Map.of("w", scaledBefore), Map.of("w", manager.create(scaled)), 1e-3);
            }
            float[] expected = scaledBefore.toFloatArray();
            float[] actual = scaledInside.toFloatArray();
            for (int index = 0; index < expected.length; index++) {
                assertThat(actual[index]).isCloseTo(expected[index], within(1e-6f));
            }
        }
    }

    /** Small parameters in one piece; large ones (1-D too) in slices of rows, the last one shorter. */
    @ParameterizedTest(name = "shape {0}")
    @ValueSource(strings = {"64,48", "600,900", "530000"})
    void bothFormsAgree(String dimensions) {
        Shape shape = new Shape(java.util.Arrays.stream(dimensions.split(",")).mapToLong(Long::parseLong).toArray());
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            manager.getEngine().setRandomSeed(7);
            Map<String, NDArray> inPlaceWeights = new LinkedHashMap<>();
            Map<String, NDArray> nativeWeights = new LinkedHashMap<>();
            for (String name : new String[] {"layer.dense.weight", "layer.dense.bias", "layer.LayerNorm.weight"}) {
                NDArray weight = manager.randomNormal(shape);
                inPlaceWeights.put(name, weight);
                nativeWeights.put(name, weight.duplicate());
            }
            AdamW inPlace = new AdamW(manager.newSubManager(), 0.01, true);
            AdamW natively = new AdamW(manager.newSubManager(), 0.01, false);
            for (int step = 0; step < 3; step++) {
                double rate = 1e-3 * (step + 1);
                NDArray scale = manager.create(0.5f + 0.1f * step);
                // Each form uses up its gradients, so each gets its own copy of the step's.
                Map<String, NDArray> inPlaceGradients = new LinkedHashMap<>();
                Map<String, NDArray> nativeGradients = new LinkedHashMap<>();
                for (String name : inPlaceWeights.keySet()) {
                    NDArray gradient = manager.randomNormal(0f, 1e-2f * (step + 1), shape, DataType.FLOAT32);
                    inPlaceGradients.put(name, gradient);
                    nativeGradients.put(name, gradient.duplicate());
                }
                inPlace.update(inPlaceWeights, inPlaceGradients, rate, scale);
                natively.update(nativeWeights, nativeGradients, rate, scale);
                for (String name : inPlaceWeights.keySet()) {
                    float[] expected = nativeWeights.get(name).toFloatArray();
                    float[] actual = inPlaceWeights.get(name).toFloatArray();
                    float largestDifference = 0f;
                    for (int index = 0; index < expected.length; index++) {
                        largestDifference = Math.max(largestDifference, Math.abs(actual[index] - expected[index]));
                    }
                    assertThat(largestDifference).as("%s after step %d", name, step + 1).isLessThan(1e-6f);
                }
            }
        }
    }

    @Test
    void exemptsBiasesAndLayerNormsFromDecay() {
        assertThat(AdamW.decays("bert.encoder.layer.0.attention.self.query.weight")).isTrue();
        assertThat(AdamW.decays("classifier.bias")).isFalse();
        assertThat(AdamW.decays("bert.embeddings.LayerNorm.weight")).isFalse();
        assertThat(AdamW.decays("distilbert.transformer.layer.0.sa_layer_norm.weight")).isFalse();
        assertThat(AdamW.decays("transformer.h.0.ln_1.weight")).isFalse();
        assertThat(AdamW.decays("transformer.ln_f.weight")).isFalse();
        assertThat(AdamW.decays("transformer.wte.weight")).isTrue();
        // The Llama family's RMSNorms, as transformers' Trainer names them.
        assertThat(AdamW.decays("model.layers.0.input_layernorm.weight")).isFalse();
        assertThat(AdamW.decays("model.layers.0.post_attention_layernorm.weight")).isFalse();
        assertThat(AdamW.decays("model.norm.weight")).isFalse();
        assertThat(AdamW.decays("model.layers.1.self_attn.q_norm.weight")).isFalse();
        assertThat(AdamW.decays("model.layers.1.self_attn.q_proj.bias")).isFalse();
        assertThat(AdamW.decays("model.layers.1.self_attn.q_proj.weight")).isTrue();
        assertThat(AdamW.decays("model.layers.1.mlp.gate_proj.weight")).isTrue();
        assertThat(AdamW.decays("model.embed_tokens.weight")).isTrue();
        assertThat(AdamW.decays("lm_head.weight")).isTrue();
    }
}
