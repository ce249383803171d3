package io.modelcat.ml.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.modelcat.ml.DjlEnvironment;
import java.util.ArrayList;
import java.util.List;
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
}
