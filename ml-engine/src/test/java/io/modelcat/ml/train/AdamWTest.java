package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.DjlEnvironment;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks AdamW against values worked out by hand from the torch.optim.AdamW update rule. */
class AdamWTest {

    @BeforeAll
    static void configureDjl() {
        DjlEnvironment.configure();
    }

    @Test
    void firstStepMovesByTheLearningRateAndDecaysOnlyWeights() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = manager.create(new float[] {1f, -2f});
            NDArray bias = manager.create(new float[] {1f});
            AdamW optimizer = new AdamW(manager.newSubManager(), 0.01);
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

    @Test
    void secondStepUsesBiasCorrectedMoments() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = manager.create(new float[] {0f});
            AdamW optimizer = new AdamW(manager.newSubManager(), 0.0);
            optimizer.update(Map.of("w", weight), Map.of("w", manager.create(new float[] {1f})), 0.1);
            optimizer.update(Map.of("w", weight), Map.of("w", manager.create(new float[] {-1f})), 0.1);
            // m2 = 0.9*0.1 - 0.1 = -0.01, mhat = -0.01/0.19; v2 = 0.999*0.001 + 0.001 = 0.001999, vhat = 0.001999/0.001999 = 1
            double secondUpdate = 0.1 * (-0.01 / 0.19) / (Math.sqrt(1.0) + 1e-8);
            assertThat(weight.toFloatArray()[0]).isCloseTo((float) (-0.1 - secondUpdate), within(1e-6f));
        }
    }

    @Test
    void followsTorchAdamWOverSeveralSteps() {
        float[] start = {0.3f, -1.2f, 2.5f};
        float[][] gradients = {{0.5f, -3f, 1e-4f}, {-0.2f, 1f, 2e-4f}, {0.7f, 0.1f, -5e-5f}, {1e-3f, -2f, 0f}};
        double[] rates = {1e-3, 2e-3, 5e-4, 1e-3};
        double decay = 0.1;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = manager.create(start);
            AdamW optimizer = new AdamW(manager.newSubManager(), decay);
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

    @Test
    void exemptsBiasesAndLayerNormsFromDecay() {
        assertThat(AdamW.decays("bert.encoder.layer.0.attention.self.query.weight")).isTrue();
        assertThat(AdamW.decays("classifier.bias")).isFalse();
        assertThat(AdamW.decays("bert.embeddings.LayerNorm.weight")).isFalse();
        assertThat(AdamW.decays("distilbert.transformer.layer.0.sa_layer_norm.weight")).isFalse();
        assertThat(AdamW.decays("transformer.h.0.ln_1.weight")).isFalse();
        assertThat(AdamW.decays("transformer.ln_f.weight")).isFalse();
        assertThat(AdamW.decays("transformer.wte.weight")).isTrue();
    }
}
