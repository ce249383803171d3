package io.modelcat.ml.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.ml.checkpoint.HfConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decoding settings of {@link Seq2SeqGenerator}, with the names and meaning of {@code transformers}' generation config
 * (5.17). A setting left null is unset: lengths then fall back as {@code generate} does (20 new tokens after the decoder
 * start token, capped by {@code max_position_embeddings}); {@code maxNewTokens} wins over {@code maxLength} and
 * {@code minNewTokens} over {@code minLength}. Lengths count the decoder start token.
 *
 * @param numBeams 1: greedy decoding; more: beam search
 * @param lengthPenalty a finished beam scores sum(log-probabilities) / (new tokens ^ lengthPenalty)
 * @param earlyStopping when beam search stops before the maximum length
 * @param noRepeatNgramSize 0: off; n: no n-gram of the decoder sequence occurs twice
 * @param repetitionPenalty 1: off; a token already in the decoder sequence has its score divided (positive) or
 *     multiplied (negative) by it
 * @param badWordsIds token sequences never generated (a one-token sequence never; a longer one not completed)
 * @param forcedBosTokenId the first generated token, when set
 * @param forcedEosTokenId the token at the last position the maximum length allows, when set
 * @param eosTokenIds the tokens that end a sequence
 * @param padTokenId what a finished row of a greedy batch gets after its end
 * @param decoderStartTokenId the decoder's first input
 * @param renormalizeLogits log-softmax the scores again after the processors (opus-mt's generation config asks for it;
 *     it changes beam scores, not greedy choices)
 */
public record GenerationSettings(Integer maxLength, Integer maxNewTokens, Integer minLength, Integer minNewTokens,
        int numBeams, double lengthPenalty, EarlyStopping earlyStopping, int noRepeatNgramSize,
        double repetitionPenalty, List<List<Long>> badWordsIds, Long forcedBosTokenId, Long forcedEosTokenId,
        List<Long> eosTokenIds, long padTokenId, long decoderStartTokenId, boolean renormalizeLogits) {

    /** {@code generate}'s length without any setting: this many tokens after the decoder start token. */
    public static final int DEFAULT_MAX_LENGTH = 20;

    /** {@code early_stopping}: true, false or "never". */
    public enum EarlyStopping {
        /** Stop as soon as there are {@code numBeams} finished beams. */
        TRUE,
        /** Stop when the best running beam, at the current length, can no longer beat the worst finished one. */
        FALSE,
        /** The same, but estimated at the maximum length when the length penalty is positive. */
        NEVER;

        static EarlyStopping of(JsonNode value) {
            if (value == null || value.isNull()) {
                return FALSE;
            }
            if (value.isTextual()) {
                if (value.asText().equals("never")) {
                    return NEVER;
                }
                throw new IllegalArgumentException("early_stopping must be true, false or \"never\": " + value);
            }
            return value.asBoolean() ? TRUE : FALSE;
        }
    }

    public GenerationSettings {
        if (numBeams < 1) {
            throw new IllegalArgumentException("numBeams must be >= 1: " + numBeams);
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetitionPenalty must be > 0: " + repetitionPenalty);
        }
        if (noRepeatNgramSize < 0) {
            throw new IllegalArgumentException("noRepeatNgramSize must be >= 0: " + noRepeatNgramSize);
        }
        if (maxNewTokens != null && maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be > 0: " + maxNewTokens);
        }
        earlyStopping = earlyStopping == null ? EarlyStopping.FALSE : earlyStopping;
        badWordsIds = badWordsIds == null ? List.of() : badWordsIds.stream().map(List::copyOf).toList();
        eosTokenIds = eosTokenIds == null ? List.of() : List.copyOf(eosTokenIds);
    }

    /**
     * What {@code generate} starts from for the model in {@code modelDirectory}: its {@code generation_config.json}
     * when there is one (token ids it lacks from {@code config.json}), otherwise the same keys in {@code config.json};
     * {@code transformers}' defaults for what neither sets.
     */
    public static GenerationSettings modelDefaults(Path modelDirectory) {
        JsonNode config = read(modelDirectory.resolve("config.json"));
        Path generationFile = modelDirectory.resolve("generation_config.json");
        JsonNode generation = Files.isRegularFile(generationFile) ? read(generationFile) : config;
        refuseUnsupported(generation);
        List<Long> eos = longs(first(generation, config, "eos_token_id"));
        Optional<Long> pad = optionalLong(first(generation, config, "pad_token_id"));
        long start = optionalLong(first(generation, config, "decoder_start_token_id"))
                .or(() -> optionalLong(first(generation, config, "bos_token_id"))).orElse(0L);
        List<List<Long>> badWords = new ArrayList<>();
        JsonNode bad = generation.get("bad_words_ids");
        if (bad != null && bad.isArray()) {
            bad.forEach(sequence -> badWords.add(longs(sequence)));
        }
        return new GenerationSettings(
                optionalInt(generation.get("max_length")).orElse(null),
                optionalInt(generation.get("max_new_tokens")).orElse(null),
                optionalInt(generation.get("min_length")).orElse(null),
                optionalInt(generation.get("min_new_tokens")).orElse(null),
                optionalInt(generation.get("num_beams")).orElse(1),
                optionalDouble(generation.get("length_penalty")).orElse(1.0),
                EarlyStopping.of(generation.get("early_stopping")),
                optionalInt(generation.get("no_repeat_ngram_size")).orElse(0),
                optionalDouble(generation.get("repetition_penalty")).orElse(1.0),
                badWords,
                optionalLong(first(generation, config, "forced_bos_token_id")).orElse(null),
                forcedEos(first(generation, config, "forced_eos_token_id")),
                eos,
                pad.orElse(eos.isEmpty() ? 0L : eos.get(0)),
                start,
                generation.path("renormalize_logits").asBoolean(false));
    }

    /** The maximum length, start token included, that these settings give for a model of {@code config}. */
    public int resolvedMaxLength(HfConfig config) {
        if (maxNewTokens != null) {
            return maxNewTokens + 1;
        }
        if (maxLength != null) {
            return maxLength;
        }
        int length = DEFAULT_MAX_LENGTH + 1;
        return config.optionalLong("max_position_embeddings").map(limit -> (int) Math.min(length, limit))
                .orElse(length);
    }

    /** The minimum length, start token included, below which no end-of-sequence token is generated. */
    public int resolvedMinLength() {
        if (minNewTokens != null) {
            return minNewTokens + 1;
        }
        return minLength == null ? 0 : minLength;
    }

    public GenerationSettings withMaxLength(Integer value) {
        return new GenerationSettings(value, maxNewTokens, minLength, minNewTokens, numBeams, lengthPenalty,
                earlyStopping, noRepeatNgramSize, repetitionPenalty, badWordsIds, forcedBosTokenId, forcedEosTokenId,
                eosTokenIds, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withMaxNewTokens(Integer value) {
        return new GenerationSettings(maxLength, value, minLength, minNewTokens, numBeams, lengthPenalty,
                earlyStopping, noRepeatNgramSize, repetitionPenalty, badWordsIds, forcedBosTokenId, forcedEosTokenId,
                eosTokenIds, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withMinLength(Integer value) {
        return new GenerationSettings(maxLength, maxNewTokens, value, minNewTokens, numBeams, lengthPenalty,
                earlyStopping, noRepeatNgramSize, repetitionPenalty, badWordsIds, forcedBosTokenId, forcedEosTokenId,
                eosTokenIds, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withMinNewTokens(Integer value) {
        return new GenerationSettings(maxLength, maxNewTokens, minLength, value, numBeams, lengthPenalty,
                earlyStopping, noRepeatNgramSize, repetitionPenalty, badWordsIds, forcedBosTokenId, forcedEosTokenId,
                eosTokenIds, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withNumBeams(int value) {
        return new GenerationSettings(maxLength, maxNewTokens, minLength, minNewTokens, value, lengthPenalty,
                earlyStopping, noRepeatNgramSize, repetitionPenalty, badWordsIds, forcedBosTokenId, forcedEosTokenId,
                eosTokenIds, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withLengthPenalty(double value) {
        return new GenerationSettings(maxLength, maxNewTokens, minLength, minNewTokens, numBeams, value,
                earlyStopping, noRepeatNgramSize, repetitionPenalty, badWordsIds, forcedBosTokenId, forcedEosTokenId,
                eosTokenIds, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withEarlyStopping(EarlyStopping value) {
        return new GenerationSettings(maxLength, maxNewTokens, minLength, minNewTokens, numBeams, lengthPenalty,
                value, noRepeatNgramSize, repetitionPenalty, badWordsIds, forcedBosTokenId, forcedEosTokenId,
                eosTokenIds, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withNoRepeatNgramSize(int value) {
        return new GenerationSettings(maxLength, maxNewTokens, minLength, minNewTokens, numBeams, lengthPenalty,
                earlyStopping, value, repetitionPenalty, badWordsIds, forcedBosTokenId, forcedEosTokenId,
                eosTokenIds, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withRepetitionPenalty(double value) {
        return new GenerationSettings(maxLength, maxNewTokens, minLength, minNewTokens, numBeams, lengthPenalty,
                earlyStopping, noRepeatNgramSize, value, badWordsIds, forcedBosTokenId, forcedEosTokenId,
                eosTokenIds, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withBadWordsIds(List<List<Long>> value) {
        return new GenerationSettings(maxLength, maxNewTokens, minLength, minNewTokens, numBeams, lengthPenalty,
                earlyStopping, noRepeatNgramSize, repetitionPenalty, value, forcedBosTokenId, forcedEosTokenId,
                eosTokenIds, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withForcedBosTokenId(Long value) {
        return new GenerationSettings(maxLength, maxNewTokens, minLength, minNewTokens, numBeams, lengthPenalty,
                earlyStopping, noRepeatNgramSize, repetitionPenalty, badWordsIds, value, forcedEosTokenId,
                eosTokenIds, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withForcedEosTokenId(Long value) {
        return new GenerationSettings(maxLength, maxNewTokens, minLength, minNewTokens, numBeams, lengthPenalty,
                earlyStopping, noRepeatNgramSize, repetitionPenalty, badWordsIds, forcedBosTokenId, value,
                eosTokenIds, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withEosTokenIds(List<Long> value) {
        return new GenerationSettings(maxLength, maxNewTokens, minLength, minNewTokens, numBeams, lengthPenalty,
                earlyStopping, noRepeatNgramSize, repetitionPenalty, badWordsIds, forcedBosTokenId, forcedEosTokenId,
                value, padTokenId, decoderStartTokenId, renormalizeLogits);
    }

    public GenerationSettings withRenormalizeLogits(boolean value) {
        return new GenerationSettings(maxLength, maxNewTokens, minLength, minNewTokens, numBeams, lengthPenalty,
                earlyStopping, noRepeatNgramSize, repetitionPenalty, badWordsIds, forcedBosTokenId, forcedEosTokenId,
                eosTokenIds, padTokenId, decoderStartTokenId, value);
    }

    /**
     * Settings of a generation config that change what {@code generate} produces and that the engine does not run:
     * refused by name rather than silently ignored.
     */
    private static void refuseUnsupported(JsonNode generation) {
        List<String> refused = new ArrayList<>();
        if (generation.path("do_sample").asBoolean(false)) {
            refused.add("do_sample");
        }
        if (generation.path("num_beam_groups").asInt(1) > 1) {
            refused.add("num_beam_groups");
        }
        if (generation.path("num_return_sequences").asInt(1) > 1) {
            refused.add("num_return_sequences");
        }
        if (generation.path("encoder_no_repeat_ngram_size").asInt(0) > 0) {
            refused.add("encoder_no_repeat_ngram_size");
        }
        if (generation.path("encoder_repetition_penalty").asDouble(1.0) != 1.0) {
            refused.add("encoder_repetition_penalty");
        }
        for (String key : List.of("suppress_tokens", "begin_suppress_tokens", "exponential_decay_length_penalty",
                "sequence_bias", "force_words_ids", "constraints")) {
            JsonNode value = generation.get(key);
            if (value != null && !value.isNull()) {
                refused.add(key);
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException("the engine does not run these generation settings: " + refused);
        }
    }

    /** {@code forced_eos_token_id}: one id, or a list of one. */
    private static Long forcedEos(JsonNode value) {
        List<Long> ids = longs(value);
        if (ids.size() > 1) {
            throw new IllegalArgumentException("several forced_eos_token_id values are not supported: " + ids);
        }
        return ids.isEmpty() ? null : ids.get(0);
    }

    private static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static JsonNode first(JsonNode preferred, JsonNode fallback, String key) {
        JsonNode value = preferred.get(key);
        return value == null || value.isNull() ? fallback.get(key) : value;
    }

    private static Optional<Integer> optionalInt(JsonNode value) {
        return value == null || !value.isNumber() ? Optional.empty() : Optional.of(value.asInt());
    }

    private static Optional<Long> optionalLong(JsonNode value) {
        return value == null || !value.isNumber() ? Optional.empty() : Optional.of(value.asLong());
    }

    private static Optional<Double> optionalDouble(JsonNode value) {
        return value == null || !value.isNumber() ? Optional.empty() : Optional.of(value.asDouble());
    }

    private static List<Long> longs(JsonNode value) {
        List<Long> values = new ArrayList<>();
        if (value == null || value.isNull()) {
            return values;
        }
        if (value.isArray()) {
            value.forEach(element -> values.add(element.asLong()));
        } else {
            values.add(value.asLong());
        }
        return values;
    }
}
