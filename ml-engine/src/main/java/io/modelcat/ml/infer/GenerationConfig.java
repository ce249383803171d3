package io.modelcat.ml.infer;

import io.modelcat.ml.checkpoint.HfConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Decoding settings for {@link TextGenerator}, with the meaning {@code transformers}' {@code generate}
 * gives them. The repetition penalty applies first (a seen token's logit is divided by it when positive,
 * multiplied when negative). Without sampling the decoding is then greedy (temperature, top-k and top-p are
 * ignored); with sampling the logits are divided by the temperature, then cut to the {@code topK} best
 * tokens (0: no cut), then to the smallest set whose probability reaches {@code topP} (1: no cut), and a
 * token is drawn with a {@link java.util.Random} seeded by {@code seed}.
 *
 * @param maxNewTokens the most tokens to add after the prompt
 * @param sample draw tokens instead of taking the most likely one
 * @param temperature &gt; 0; below 1 sharpens, above 1 flattens the distribution
 * @param topK keep only the k most likely tokens; 0 keeps all
 * @param topP nucleus: keep the most likely tokens whose probabilities sum to at least p; 1 keeps all
 * @param seed seed of the sampler, so that a sampled generation can be reproduced
 * @param eosTokenIds tokens that end the generation; {@code null} means those of the model's
 *     {@code generation_config.json} or {@code config.json} ({@code eos_token_id})
 * @param repetitionPenalty &gt; 0; 1 leaves the logits as they are, above 1 discourages tokens already in the
 *     prompt or the generated text
 * @param stopStrings texts that end the generation as soon as the generated text contains one; the text is
 *     cut where the earliest begins ({@link Generation.FinishReason#STOP})
 * @param logprobs {@link #NO_LOGPROBS} (the default), or report each generated token's log-probability and the
 *     {@code logprobs} likeliest tokens of its step ({@link Generation#logprobs()}); 0 reports the chosen token's only
 */
public record GenerationConfig(int maxNewTokens, boolean sample, double temperature, int topK, double topP,
        long seed, List<Long> eosTokenIds, double repetitionPenalty, List<String> stopStrings, int logprobs) {

    /** {@code transformers}' default length when neither the call nor the model's generation config sets one. */
    public static final int DEFAULT_MAX_NEW_TOKENS = 20;
    /** {@link #logprobs()}: none reported. */
    public static final int NO_LOGPROBS = -1;

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
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetitionPenalty must be > 0: " + repetitionPenalty);
        }
        if (logprobs < NO_LOGPROBS) {
            throw new IllegalArgumentException("logprobs must be >= 0, or NO_LOGPROBS: " + logprobs);
        }
        eosTokenIds = eosTokenIds == null ? null : List.copyOf(eosTokenIds);
        stopStrings = stopStrings == null ? List.of() : stopStrings.stream().filter(s -> !s.isEmpty()).toList();
    }

    public GenerationConfig(int maxNewTokens, boolean sample, double temperature, int topK, double topP, long seed,
            List<Long> eosTokenIds) {
        this(maxNewTokens, sample, temperature, topK, topP, seed, eosTokenIds, 1.0, List.of(), NO_LOGPROBS);
    }

    /** Greedy decoding of up to 20 new tokens (the {@code transformers} default length), model EOS. */
    public static GenerationConfig greedy() {
        return new GenerationConfig(DEFAULT_MAX_NEW_TOKENS, false, 1.0, 0, 1.0, 0L, null);
    }

    /** Sampling from the full distribution at temperature 1, seeded. */
    public static GenerationConfig sampling(long seed) {
        return new GenerationConfig(DEFAULT_MAX_NEW_TOKENS, true, 1.0, 0, 1.0, seed, null);
    }

    /**
     * What the model's {@code generation_config.json} in {@code modelDirectory} asks for ({@code do_sample},
     * {@code temperature}, {@code top_k}, {@code top_p}, {@code repetition_penalty}, {@code max_new_tokens},
     * {@code eos_token_id}), over {@link #greedy()}: the settings a call starts from, as {@code generate}
     * does. Without the file, or for settings it leaves out, greedy's; {@code top_k} is 0 (no cut) unless
     * the file names one.
     */
    public static GenerationConfig modelDefaults(Path modelDirectory) {
        GenerationConfig defaults = greedy();
        Path file = modelDirectory == null ? null : modelDirectory.resolve("generation_config.json");
        if (file == null || !Files.isRegularFile(file)) {
            return defaults;
        }
        HfConfig settings = HfConfig.read(file);
        List<Long> eos = settings.longList("eos_token_id");
        double temperature = settings.doubleValue("temperature", 1.0);
        return new GenerationConfig(
                settings.intValue("max_new_tokens", DEFAULT_MAX_NEW_TOKENS),
                settings.booleanValue("do_sample", false) && temperature > 0,
                temperature > 0 ? temperature : 1.0,
                settings.intValue("top_k", 0),
                settings.doubleValue("top_p", 1.0),
                0L,
                eos.isEmpty() ? null : eos,
                settings.doubleValue("repetition_penalty", 1.0),
                List.of(),
                NO_LOGPROBS);
    }

    public GenerationConfig withMaxNewTokens(int value) {
        return new GenerationConfig(value, sample, temperature, topK, topP, seed, eosTokenIds, repetitionPenalty,
                stopStrings, logprobs);
    }

    public GenerationConfig withSampling(boolean value) {
        return new GenerationConfig(maxNewTokens, value, temperature, topK, topP, seed, eosTokenIds,
                repetitionPenalty, stopStrings, logprobs);
    }

    public GenerationConfig withTemperature(double value) {
        return new GenerationConfig(maxNewTokens, sample, value, topK, topP, seed, eosTokenIds, repetitionPenalty,
                stopStrings, logprobs);
    }

    public GenerationConfig withTopK(int value) {
        return new GenerationConfig(maxNewTokens, sample, temperature, value, topP, seed, eosTokenIds,
                repetitionPenalty, stopStrings, logprobs);
    }

    public GenerationConfig withTopP(double value) {
        return new GenerationConfig(maxNewTokens, sample, temperature, topK, value, seed, eosTokenIds,
                repetitionPenalty, stopStrings, logprobs);
    }

    public GenerationConfig withSeed(long value) {
        return new GenerationConfig(maxNewTokens, sample, temperature, topK, topP, value, eosTokenIds,
                repetitionPenalty, stopStrings, logprobs);
    }

    /** Overrides the model's end-of-sequence tokens; an empty list never stops early. */
    public GenerationConfig withEosTokenIds(List<Long> value) {
        return new GenerationConfig(maxNewTokens, sample, temperature, topK, topP, seed, value, repetitionPenalty,
                stopStrings, logprobs);
    }

    public GenerationConfig withRepetitionPenalty(double value) {
        return new GenerationConfig(maxNewTokens, sample, temperature, topK, topP, seed, eosTokenIds, value,
                stopStrings, logprobs);
    }

    public GenerationConfig withStopStrings(List<String> value) {
        return new GenerationConfig(maxNewTokens, sample, temperature, topK, topP, seed, eosTokenIds,
                repetitionPenalty, value, logprobs);
    }

    /** Reports log-probabilities: {@code value} likeliest tokens beside each chosen one, or {@link #NO_LOGPROBS}. */
    public GenerationConfig withLogprobs(int value) {
        return new GenerationConfig(maxNewTokens, sample, temperature, topK, topP, seed, eosTokenIds,
                repetitionPenalty, stopStrings, value);
    }
}
