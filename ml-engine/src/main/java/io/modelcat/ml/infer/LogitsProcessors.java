package io.modelcat.ml.infer;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The logits processors of {@code transformers}' {@code generate} that {@link GenerationSettings} turn on, in the order
 * {@code _get_logits_processor} applies them: repetition penalty, no repeated n-grams, bad words, minimum length,
 * forced first token, forced last token. Greedy decoding applies them to the logits, beam search to the
 * log-probabilities; both in float32, as there.
 */
final class LogitsProcessors {

    private final GenerationSettings settings;
    private final Set<Long> eos;
    private final int minLength;
    private final int maxLength;

    LogitsProcessors(GenerationSettings settings, int minLength, int maxLength) {
        this.settings = settings;
        this.eos = new HashSet<>(settings.eosTokenIds());
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    /** Changes {@code scores} in place for the next token after {@code sequence} (decoder start token included). */
    void apply(long[] sequence, float[] scores) {
        int length = sequence.length;
        if (settings.repetitionPenalty() != 1.0) {
            float penalty = (float) settings.repetitionPenalty();
            Set<Long> seen = new HashSet<>();
            for (long token : sequence) {
                if (seen.add(token)) {
                    int id = (int) token;
                    scores[id] = scores[id] < 0 ? scores[id] * penalty : scores[id] / penalty;
                }
            }
        }
        int n = settings.noRepeatNgramSize();
        if (n > 0 && length >= n) {
            // Each earlier n-gram whose first n - 1 tokens are the sequence's last n - 1 bans its last token.
            for (int start = 0; start + n <= length; start++) {
                boolean matches = true;
                for (int offset = 0; offset < n - 1 && matches; offset++) {
                    matches = sequence[start + offset] == sequence[length - n + 1 + offset];
                }
                if (matches) {
                    scores[(int) sequence[start + n - 1]] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        for (List<Long> words : settings.badWordsIds()) {
            if (words.size() == 1 && eos.contains(words.get(0))) {
                continue;
            }
            int prefix = words.size() - 1;
            if (words.size() > length && prefix > 0) {
                continue;
            }
            boolean matches = true;
            for (int offset = 0; offset < prefix && matches; offset++) {
                matches = sequence[length - prefix + offset] == words.get(offset);
            }
            if (matches) {
                scores[(int) (long) words.get(prefix)] = Float.NEGATIVE_INFINITY;
            }
        }
        if (length < minLength) {
            for (long token : eos) {
                scores[(int) token] = Float.NEGATIVE_INFINITY;
            }
        }
        if (settings.forcedBosTokenId() != null && length == 1) {
            force(scores, settings.forcedBosTokenId());
        }
        if (settings.forcedEosTokenId() != null && length == maxLength - 1) {
            force(scores, settings.forcedEosTokenId());
        }
        if (settings.renormalizeLogits()) {
            logSoftmax(scores);
        }
    }

    /** {@code LogitNormalization}: the scores' log-softmax, in place (all minus infinity stays so). */
    static void logSoftmax(float[] scores) {
        float max = Float.NEGATIVE_INFINITY;
        for (float score : scores) {
            max = Math.max(max, score);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            return;
        }
        double sum = 0;
        for (float score : scores) {
            sum += Math.exp(score - max);
        }
        float logSum = (float) Math.log(sum);
        for (int index = 0; index < scores.length; index++) {
            scores[index] = scores[index] - max - logSum;
        }
    }

    private static void force(float[] scores, long token) {
        java.util.Arrays.fill(scores, Float.NEGATIVE_INFINITY);
        scores[(int) token] = 0f;
    }
}
