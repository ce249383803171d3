package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.modelcat.ml.checkpoint.HfConfig;
import java.util.Optional;

/**
 * Rotary position embeddings as {@code transformers}' Llama family computes them: inverse frequencies
 * {@code theta^(-2i/d)} (optionally rescaled as Llama 3.1 does), and the rotate-half convention, where the first and
 * second halves of a head's vector form the rotated pairs.
 */
final class RotaryEmbedding {

    /** transformers' {@code RotaryEmbeddingConfigMixin.default_theta}, the same for every family here. */
    static final double DEFAULT_THETA = 10_000.0;

    private final float[] inverseFrequencies;

    private RotaryEmbedding(float[] inverseFrequencies) {
        this.inverseFrequencies = inverseFrequencies;
    }

    /**
     * Reads the rotary settings as transformers 5 does: {@code rope_scaling} (older configs) or
     * {@code rope_parameters} (what transformers 5 writes), {@code rope_theta} inside it or at the top level.
     *
     * @throws IllegalArgumentException for a scaling type other than {@code default} and {@code llama3}, and for
     *     partial rotary embeddings
     */
    static RotaryEmbedding of(HfConfig config, int headSize) {
        Optional<HfConfig> parameters = config.section("rope_scaling").or(() -> config.section("rope_parameters"));
        if (parameters.isPresent() && (parameters.get().has("full_attention")
                || parameters.get().has("sliding_attention"))) {
            throw new IllegalArgumentException("rotary settings per layer type are not supported");
        }
        double theta = parameters.flatMap(p -> p.optionalDouble("rope_theta"))
                .orElse(config.doubleValue("rope_theta", DEFAULT_THETA));
        String type = parameters.flatMap(p -> p.text("rope_type").or(() -> p.text("type"))).orElse("default");
        double partial = parameters.flatMap(p -> p.optionalDouble("partial_rotary_factor"))
                .orElse(config.doubleValue("partial_rotary_factor", 1.0));
        if (partial != 1.0) {
            throw new IllegalArgumentException("partial rotary embeddings (partial_rotary_factor " + partial
                    + ") are not supported");
        }
        float[] frequencies = defaultFrequencies(theta, headSize);
        return switch (type) {
            case "default" -> new RotaryEmbedding(frequencies);
            case "llama3" -> new RotaryEmbedding(llama3(frequencies, parameters.orElseThrow(), config));
            default -> throw new IllegalArgumentException("rope scaling type '" + type + "' is not supported; this "
                    + "engine runs rotary embeddings without scaling ('default') and with Llama 3's ('llama3')");
        };
    }

    /** {@code 1 / theta^(2i/d)} in float32, as {@code compute_default_rope_parameters}. */
    private static float[] defaultFrequencies(double theta, int headSize) {
        float[] frequencies = new float[headSize / 2];
        for (int index = 0; index < frequencies.length; index++) {
            float exponent = (float) (2 * index) / headSize;
            frequencies[index] = 1f / (float) Math.pow((float) theta, exponent);
        }
        return frequencies;
    }

    /**
     * Llama 3.1's scaling ({@code _compute_llama3_parameters}): long wavelengths divided by {@code factor}, short
     * ones kept, those between smoothly interpolated.
     */
    private static float[] llama3(float[] frequencies, HfConfig scaling, HfConfig config) {
        double factor = required(scaling, "factor");
        double low = required(scaling, "low_freq_factor");
        double high = required(scaling, "high_freq_factor");
        // A top-level original_max_position_embeddings wins, as in transformers' standardize_rope_params.
        double original = config.optionalDouble("original_max_position_embeddings")
                .or(() -> scaling.optionalDouble("original_max_position_embeddings"))
                .orElse((double) config.requiredInt("max_position_embeddings"));
        double lowWavelength = original / low;
        double highWavelength = original / high;
        float[] scaled = new float[frequencies.length];
        for (int index = 0; index < frequencies.length; index++) {
            double frequency = frequencies[index];
            double wavelength = 2 * Math.PI / frequency;
            if (wavelength < highWavelength) {
                scaled[index] = (float) frequency;
            } else if (wavelength > lowWavelength) {
                scaled[index] = (float) (frequency / factor);
            } else {
                double smooth = (original / wavelength - low) / (high - low);
                scaled[index] = (float) ((1 - smooth) * frequency / factor + smooth * frequency);
            }
        }
        return scaled;
    }

    private static double required(HfConfig scaling, String key) {
        return scaling.optionalDouble(key)
                .orElseThrow(() -> new IllegalArgumentException("llama3 rope scaling lacks " + key));
    }

    /** The inverse frequencies, half a head's size. */
    float[] inverseFrequencies() {
        return inverseFrequencies.clone();
    }

    /**
     * The cosines and sines for each position, (batch, 1, seq, head size) each, ready to broadcast over the heads.
     *
     * @param positions (batch, seq) int64
     */
    NDList cosineAndSine(NDArray positions) {
        NDArray frequencies = positions.getManager().create(inverseFrequencies);
        NDArray angles = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(frequencies);
        NDArray doubled = angles.concat(angles, -1).expandDims(1);
        return new NDList(doubled.cos(), doubled.sin());
    }

    /** {@code x * cos + rotate_half(x) * sin} for (batch, heads, seq, head size) queries or keys. */
    static NDArray apply(NDArray input, NDArray cosine, NDArray sine) {
        long half = input.getShape().get(3) / 2;
        NDArray first = input.get(new NDIndex(":, :, :, :{}", half));
        NDArray second = input.get(new NDIndex(":, :, :, {}:", half));
        NDArray rotated = second.neg().concat(first, -1);
        return input.mul(cosine).add(rotated.mul(sine));
    }
}
