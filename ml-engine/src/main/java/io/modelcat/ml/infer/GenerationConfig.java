package io.modelcat.ml.infer;

import java.util.List;

/**
 * Decoding settings for {@link TextGenerator}, with the meaning {@code transformers}' {@code generate}
 * gives them. Without sampling the decoding is greedy (temperature, top-k and top-p are ignored);
 * with sampling the logits are divided by the temperature, then cut to the {@code topK} best
 * tokens (0: no cut), then to the smallest set whose probability reaches {@code topP} (1: no cut),
 * and a token is drawn with a {@link java.util.Random} seeded by {@code seed}.
 *
 * @param maxNewTokens the most tokens to add after the prompt
 * @param sample draw tokens instead of taking the most likely one
 * @param temperature &gt; 0; below 1 sharpens, above 1 flattens the distribution
 * @param topK keep only the k most likely tokens; 0 keeps all
 * @param topP nucleus: keep the most likely tokens whose probabilities sum to at least p; 1 keeps all
 * @param seed seed of the sampler, so that a sampled generation can be reproduced
 * @param eosTokenIds tokens that end the generation; {@code null} means those of the model's
 *     {@code generation_config.json} or {@code config.json} ({@code eos_token_id})
 */
public record GenerationConfig(int maxNewTokens, boolean sample, double temperature, int topK, double topP,
        long seed, List<Long> eosTokenIds) {

    public GenerationConfig {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0: " + maxNewTokens);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0: " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0: " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1]: " + topP);
        }
        eosTokenIds = eosTokenIds == null ? null : List.copyOf(eosTokenIds);
    }

    /** Greedy decoding of up to 20 new tokens (the {@code transformers} default length), model EOS. */
    public static GenerationConfig greedy() {
        return new GenerationConfig(20, false, 1.0, 0, 1.0, 0L, null);
    }

    /** Sampling from the full distribution at temperature 1, seeded. */
    public static GenerationConfig sampling(long seed) {
        return new GenerationConfig(20, true, 1.0, 0, 1.0, seed, null);
    }

    public GenerationConfig withMaxNewTokens(int value) {
        return new GenerationConfig(value, sample, temperature, topK, topP, seed, eosTokenIds);
    }

    public GenerationConfig withSampling(boolean value) {
        return new GenerationConfig(maxNewTokens, value, temperature, topK, topP, seed, eosTokenIds);
    }

    public GenerationConfig withTemperature(double value) {
        return new GenerationConfig(maxNewTokens, sample, value, topK, topP, seed, eosTokenIds);
    }

    public GenerationConfig withTopK(int value) {
        return new GenerationConfig(maxNewTokens, sample, temperature, value, topP, seed, eosTokenIds);
    }

    public GenerationConfig withTopP(double value) {
        return new GenerationConfig(maxNewTokens, sample, temperature, topK, value, seed, eosTokenIds);
    }

    public GenerationConfig withSeed(long value) {
        return new GenerationConfig(maxNewTokens, sample, temperature, topK, topP, value, eosTokenIds);
    }

    /** Overrides the model's end-of-sequence tokens; an empty list never stops early. */
    public GenerationConfig withEosTokenIds(List<Long> value) {
        return new GenerationConfig(maxNewTokens, sample, temperature, topK, topP, seed, value);
    }
}
