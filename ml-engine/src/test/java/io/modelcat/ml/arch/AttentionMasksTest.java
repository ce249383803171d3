package io.modelcat.ml.arch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.DjlEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AttentionMasksTest {

    @BeforeAll
    static void configureDjl() {
        DjlEnvironment.configure();
    }

    @Test
    void aBatchWithoutPaddingGetsNoBiasAndAPaddedOneHidesItsPaddedKeys() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            ScalarConstants constants = new ScalarConstants(manager);
            NDArray full = manager.create(new long[] {1, 1, 1, 1, 1, 1}, new Shape(2, 3));
            assertThat(AttentionMasks.padding(full, constants)).isEmpty();

            NDArray padded = manager.create(new long[] {1, 1, 1, 1, 1, 0}, new Shape(2, 3));
            NDArray bias = AttentionMasks.padding(padded, constants).orElseThrow();
            assertThat(bias.getShape()).isEqualTo(new Shape(2, 1, 1, 3));
            assertThat(bias.toFloatArray()).containsExactly(0f, 0f, 0f, 0f, 0f, AttentionMasks.MASKED);
        }
    }
}
