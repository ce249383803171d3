package io.modelcat.ml.arch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A generation's cache holds each layer's keys and values and nothing else, however many steps it runs. */
class KeyValueCacheTest {

    @Test
    void whatAttentionComputesFromTheCachedArraysDiesWithEachStep() {
        // GPT-2 transposes the cached keys; the Llama family also repeats grouped key/value heads (llama: 4 and 2).
        for (String name : List.of("gpt2", "llama")) {
            try (TransformerModel model = ModelLoader.load(Fixtures.model(name));
                    KeyValueCache cache = model.openCache()) {
                int layers = model.config().intValue("num_hidden_layers", model.config().intValue("n_layer", 0));
                long[][] ids = {{5, 6, 7}};
                long[][] positions = {{0, 1, 2}};
                for (int step = 0; step < 6; step++) {
                    try (NDManager stepManager = model.manager().newSubManager()) {
                        long[][] mask = new long[1][cache.length() + ids[0].length];
                        java.util.Arrays.fill(mask[0], 1L);
                        model.nextTokenLogits(stepManager.create(ids), stepManager.create(positions),
                                stepManager.create(mask), cache);
                    }
                    assertThat(cache.heldArrays()).as("arrays held by %s's cache after step %d", name, step)
                            .isEqualTo(2 * layers);
                    ids = new long[][] {{8}};
                    positions = new long[][] {{cache.length()}};
                }
                assertThat(cache.length()).isEqualTo(3 + 5);
            }
        }
    }
}
