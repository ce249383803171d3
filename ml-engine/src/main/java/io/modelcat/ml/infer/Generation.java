package io.modelcat.ml.infer;

import java.util.List;

/**
 * The result of {@link TextGenerator}: the prompt's token ids, the new token ids (ending with the
 * end-of-sequence token when {@link FinishReason#EOS}, as {@code transformers} returns it), the
 * new text decoded without special tokens (cut before the stop string when {@link FinishReason#STOP}), and, when
 * {@link GenerationConfig#logprobs()} asks for them, the log-probability of each token of that text.
 *
 * @param logprobs one per generated token, the end-of-sequence token included (at the text's end, as OpenAI lists
 *                 it), those from a stop string on excluded (as the text is cut there); empty unless asked for
 */
public record Generation(long[] promptIds, long[] generatedIds, String text, FinishReason finishReason,
                         List<TokenLogprob> logprobs) {

    public enum FinishReason {
        /** An end-of-sequence token was produced. */
        EOS,
        /** The text reached one of the stop strings; the text ends before it. */
        STOP,
        /** {@code maxNewTokens} tokens were produced. */
        MAX_NEW_TOKENS,
        /** The model's position table is full. */
        CONTEXT_FULL
    }

    /**
     * A generated token and how likely the model found it: the log-softmax of the model's own next-token logits (before
     * the repetition penalty, temperature, top-k or top-p change them), as OpenAI-compatible servers report it.
     *
     * @param token  the token decoded alone, special tokens included (a token holding part of a character's bytes
     *               decodes to U+FFFD)
     * @param offset  where the token's text begins in the generated text (or, for {@link TextGenerator#promptLogprobs},
     *                the prompt's): the length of the complete characters of the tokens before it
     * @param logprob null for a prompt's first token, which nothing conditions
     * @param top     the likeliest tokens at that step, most likely first (ties: lower id first); as many as
     *                asked for, which may or may not include this token; empty for a prompt's first token
     */
    public record TokenLogprob(long id, String token, int offset, Double logprob, List<Candidate> top) {

        public TokenLogprob {
            top = List.copyOf(top);
        }
    }

    /** One of the likeliest tokens of a step, with its log-probability. */
    public record Candidate(long id, String token, double logprob) {
    }

    public Generation {
        promptIds = promptIds.clone();
        generatedIds = generatedIds.clone();
        logprobs = List.copyOf(logprobs);
    }

    @Override
    public long[] promptIds() {
        return promptIds.clone();
    }

    @Override
    public long[] generatedIds() {
        return generatedIds.clone();
    }
}
