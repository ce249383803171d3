package io.modelcat.ml.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modelcat.ml.checkpoint.HfConfig;
import org.junit.jupiter.api.Test;

class RotaryEmbeddingTest {

    @Test
    void defaultFrequenciesAreThetaToTheMinusTwoIOverD() {
        RotaryEmbedding rotary = RotaryEmbedding.of(HfConfig.parse("{\"max_position_embeddings\": 64}"), 8);
        assertThat(rotary.inverseFrequencies()).containsExactly(new float[] {1f, 0.1f, 0.01f, 0.001f},
                within(1e-9f));
    }

    /**
     * The tiny llama fixture's setting: theta 100 and head size 8 give wavelengths 6.3, 19.9, 62.8 and 199 positions;
     * with 32 original positions, low 1 and high 4 the first is kept (below 8), the second smoothed and the others
     * divided by the factor (above 32).
     */
    @Test
    void llama3ScalingKeepsShortWavelengthsDividesLongOnesAndSmoothsBetween() {
        HfConfig config = HfConfig.parse("{\"max_position_embeddings\": 64, \"rope_parameters\": {\"rope_type\": "
                + "\"llama3\", \"rope_theta\": 100.0, \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": "
                + "4.0, \"original_max_position_embeddings\": 32}}");
        float[] frequencies = RotaryEmbedding.of(config, 8).inverseFrequencies();
        double second = Math.pow(100, -0.25);
        double smooth = (32 / (2 * Math.PI / second) - 1) / 3;
        assertThat(frequencies[0]).isEqualTo(1f);
        assertThat((double) frequencies[1]).isCloseTo((1 - smooth) * second / 8 + smooth * second, within(1e-7));
        assertThat((double) frequencies[2]).isCloseTo(0.1 / 8, within(1e-9));
        assertThat((double) frequencies[3]).isCloseTo(Math.pow(100, -0.75) / 8, within(1e-9));
    }

    @Test
    void olderConfigsWithRopeThetaAndRopeScalingReadTheSame() {
        HfConfig older = HfConfig.parse("{\"max_position_embeddings\": 64, \"rope_theta\": 100.0, \"rope_scaling\": "
                + "{\"type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, "
                + "\"original_max_position_embeddings\": 32}}");
        HfConfig newer = HfConfig.parse("{\"max_position_embeddings\": 64, \"rope_parameters\": {\"rope_type\": "
                + "\"llama3\", \"rope_theta\": 100.0, \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": "
                + "4.0, \"original_max_position_embeddings\": 32}}");
        assertThat(RotaryEmbedding.of(older, 8).inverseFrequencies())
                .containsExactly(RotaryEmbedding.of(newer, 8).inverseFrequencies());
        // rope_scaling: null is no scaling; rope_theta alone sets the base.
        HfConfig plain = HfConfig.parse("{\"max_position_embeddings\": 64, \"rope_theta\": 100.0, \"rope_scaling\": null}");
        assertThat(RotaryEmbedding.of(plain, 4).inverseFrequencies()).containsExactly(new float[] {1f, 0.1f},
                within(1e-9f));
    }

    @Test
    void otherScalingTypesAndPartialRotationAreRefused() {
        for (String type : new String[] {"yarn", "linear", "dynamic", "longrope"}) {
            HfConfig config = HfConfig.parse("{\"max_position_embeddings\": 64, \"rope_scaling\": {\"rope_type\": \""
                    + type + "\", \"factor\": 4.0}}");
            assertThatThrownBy(() -> RotaryEmbedding.of(config, 8)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rope scaling type '" + type + "' is not supported");
        }
        HfConfig partial = HfConfig.parse("{\"max_position_embeddings\": 64, \"partial_rotary_factor\": 0.5}");
        assertThatThrownBy(() -> RotaryEmbedding.of(partial, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partial_rotary_factor");
    }
}
