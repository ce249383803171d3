package io.modelcat.ml.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.modelcat.ml.DjlEnvironment;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LayersTest {

    @BeforeAll
    static void configureDjl() {
        DjlEnvironment.configure();
    }

    @Test
    void aScopedBlockReleasesItsIntermediatesAndHandsItsResultToTheInputsManager() {
        try (NDManager batch = NDManager.newBaseManager("PyTorch")) {
            NDArray input = batch.create(new float[] {1f, 2f, 3f});
            List<NDArray> intermediates = new ArrayList<>();
            NDArray output = Layers.scoped(input, x -> {
                NDArray doubled = x.add(x);
                NDArray squared = doubled.mul(doubled);
                intermediates.add(doubled);
                intermediates.add(squared);
                return squared.add(x);
            });
            assertThat(output.toFloatArray()).containsExactly(5f, 18f, 39f);
            assertThat(output.getManager()).isSameAs(batch);
            assertThat(input.getManager()).isSameAs(batch);
            assertThat(input.isReleased()).isFalse();
            assertThat(intermediates).allSatisfy(array -> assertThat(array.isReleased()).isTrue());
        }
    }

    @Test
    void aBlockThatReturnsItsInputLeavesItWhereItWas() {
        try (NDManager batch = NDManager.newBaseManager("PyTorch")) {
            NDArray input = batch.create(new float[] {1f});
            assertThat(Layers.scoped(input, x -> x)).isSameAs(input);
            assertThat(input.getManager()).isSameAs(batch);
            assertThat(input.isReleased()).isFalse();
        }
    }

    @Test
    void gradientsFlowThroughBlocksWhoseIntermediatesWereReleased() {
        try (NDManager batch = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = batch.create(new float[] {0.5f, -1f, 2f});
            weight.setRequiresGradient(true);
            try (GradientCollector collector = batch.getEngine().newGradientCollector()) {
                NDArray hidden = batch.create(new float[] {1f, 2f, 3f});
                for (int layer = 0; layer < 3; layer++) {
                    hidden = Layers.scoped(hidden, x -> x.mul(weight).tanh().add(x));
                }
                // Released handles must not take buffers that backward still reads.
                System.gc();
                collector.backward(hidden.sum());
            }
            // The same function without scopes, differentiated the same way, for reference.
            float[] expected;
            try (NDManager reference = NDManager.newBaseManager("PyTorch")) {
                NDArray again = reference.create(new float[] {0.5f, -1f, 2f});
                again.setRequiresGradient(true);
                try (GradientCollector collector = reference.getEngine().newGradientCollector()) {
                    NDArray hidden = reference.create(new float[] {1f, 2f, 3f});
                    for (int layer = 0; layer < 3; layer++) {
                        hidden = hidden.mul(again).tanh().add(hidden);
                    }
                    collector.backward(hidden.sum());
                }
                expected = again.getGradient().toFloatArray();
            }
            float[] actual = weight.getGradient().toFloatArray();
            for (int index = 0; index < expected.length; index++) {
                assertThat(actual[index]).isCloseTo(expected[index], within(1e-6f));
                assertThat(actual[index]).isNotZero();
            }
        }
    }

    @Test
    void dropoutZeroesAboutTheRateAndScalesTheRestAsTorchDoes() {
        try (NDManager batch = NDManager.newBaseManager("PyTorch")) {
            batch.getEngine().setRandomSeed(3);
            Layers layers = new Layers(new Weights(Map.of()), new ScalarConstants(batch));
            NDArray input = batch.randomNormal(new Shape(200, 500));
            float[] before = input.toFloatArray();
            float[] after = layers.dropout(input, 0.1f, true).toFloatArray();
            int zeroed = 0;
            for (int index = 0; index < before.length; index++) {
                if (after[index] == 0f) {
                    zeroed++;
                } else {
                    // torch divides the mask by (1 - p) in float, then multiplies: the same two roundings
                    assertThat(after[index]).isEqualTo(before[index] * (1f / 0.9f));
                }
            }
            // 100,000 draws: the share of zeros is 0.1 within about 5 standard deviations (0.00095 each)
            assertThat(zeroed / (double) before.length).isCloseTo(0.1, within(0.005));
            assertThat(layers.dropout(input, 0.1f, false)).isSameAs(input);
            assertThat(layers.dropout(input, 0f, true)).isSameAs(input);
        }
    }

    @Test
    void dropoutRepeatsUnderTheSameSeedAndPassesGradientsThroughTheKeptElements() {
        try (NDManager batch = NDManager.newBaseManager("PyTorch")) {
            Layers layers = new Layers(new Weights(Map.of()), new ScalarConstants(batch));
            NDArray input = batch.ones(new Shape(1000));
            batch.getEngine().setRandomSeed(11);
            float[] first = layers.dropout(input, 0.3f, true).toFloatArray();
            batch.getEngine().setRandomSeed(11);
            assertThat(layers.dropout(input, 0.3f, true).toFloatArray()).containsExactly(first);

            input.setRequiresGradient(true);
            NDArray output;
            try (GradientCollector collector = batch.getEngine().newGradientCollector()) {
                output = layers.dropout(input, 0.3f, true);
                collector.backward(output.sum());
            }
            float[] values = output.toFloatArray();
            float[] gradient = input.getGradient().toFloatArray();
            for (int index = 0; index < values.length; index++) {
                assertThat(gradient[index]).isEqualTo(values[index]);
            }
        }
    }
}
