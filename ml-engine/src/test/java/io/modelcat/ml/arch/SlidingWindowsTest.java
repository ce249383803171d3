package io.modelcat.ml.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.DjlEnvironment;
import io.modelcat.ml.checkpoint.HfConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which layers attend within a sliding window, as transformers 5.17's config classes decide it, and the masks. */
class SlidingWindowsTest {

    private static final float M = AttentionMasks.MASKED;

    @BeforeAll
    static void configureDjl() {
        DjlEnvironment.configure();
    }

    @Test
    void mistralSlidesInEveryLayerWith4096WhenTheKeyIsAbsentAndNotAtAllWhenItIsNull() {
        assertThat(LlamaDecoder.slidingWindows(HfConfig.parse("{}"), ArchitectureFamily.MISTRAL, 2))
                .containsExactly(4096, 4096);
        assertThat(LlamaDecoder.slidingWindows(HfConfig.parse("{\"sliding_window\": null}"),
                ArchitectureFamily.MISTRAL, 2)).containsExactly(0, 0);
        assertThat(LlamaDecoder.slidingWindows(HfConfig.parse("{\"sliding_window\": 4}"),
                ArchitectureFamily.MISTRAL, 2)).containsExactly(4, 4);
    }

    @Test
    void qwenSlidesOnlyWithUseSlidingWindowAndFromMaxWindowLayersOn() {
        // Qwen2.5's published configs: a window and max_window_layers, but use_sliding_window false.
        assertThat(LlamaDecoder.slidingWindows(HfConfig.parse("{\"sliding_window\": 32768, \"max_window_layers\": 1}"),
                ArchitectureFamily.QWEN2, 3)).containsExactly(0, 0, 0);
        assertThat(LlamaDecoder.slidingWindows(HfConfig.parse("{\"use_sliding_window\": true, \"sliding_window\": 3, "
                + "\"max_window_layers\": 1}"), ArchitectureFamily.QWEN3, 3)).containsExactly(0, 3, 3);
        assertThat(LlamaDecoder.slidingWindows(HfConfig.parse("{\"use_sliding_window\": true}"),
                ArchitectureFamily.QWEN2, 30)[28]).isEqualTo(4096);
        // layer_types, as transformers 5 writes them, win over max_window_layers.
        assertThat(LlamaDecoder.slidingWindows(HfConfig.parse("{\"use_sliding_window\": true, \"sliding_window\": 3, "
                + "\"max_window_layers\": 0, \"layer_types\": [\"sliding_attention\", \"full_attention\"]}"),
                ArchitectureFamily.QWEN2, 2)).containsExactly(3, 0);
        assertThatThrownBy(() -> LlamaDecoder.slidingWindows(HfConfig.parse(
                "{\"layer_types\": [\"sliding_attention\", \"full_attention\"]}"), ArchitectureFamily.QWEN2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no sliding_window");
        assertThat(LlamaDecoder.slidingWindows(HfConfig.parse("{\"sliding_window\": 3}"), ArchitectureFamily.LLAMA, 2))
                .containsExactly(0, 0);
    }

    @Test
    void aWindowHidesKeysAtItsLengthAndMoreBehindEachQuery() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            ScalarConstants constants = new ScalarConstants(manager);
            NDArray ids = manager.zeros(new Shape(1, 2), ai.djl.ndarray.types.DataType.INT64);
            // Two new positions (indices 2 and 3) after two cached ones, window 2: each sees itself and the one before.
            NDArray bias = AttentionMasks.decoder(ids, manager.ones(new Shape(1, 4),
                    ai.djl.ndarray.types.DataType.INT64), 2, 2, constants);
            assertThat(bias.getShape()).isEqualTo(new Shape(1, 1, 2, 4));
            assertThat(bias.toFloatArray()).containsExactly(M, 0, 0, M, M, M, 0, 0);
            // One new position within the window: nothing hidden, no bias at all.
            NDArray one = manager.zeros(new Shape(1, 1), ai.djl.ndarray.types.DataType.INT64);
            assertThat(AttentionMasks.decoder(one, manager.ones(new Shape(1, 2),
                    ai.djl.ndarray.types.DataType.INT64), 1, 2, constants)).isNull();
            // One new position past it: the oldest key is hidden.
            assertThat(AttentionMasks.decoder(one, manager.ones(new Shape(1, 3),
                    ai.djl.ndarray.types.DataType.INT64), 2, 2, constants).toFloatArray()).containsExactly(M, 0, 0);
        }
    }
}
