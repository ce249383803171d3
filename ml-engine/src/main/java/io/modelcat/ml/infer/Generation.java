package io.modelcat.ml.infer;

/**
 * The result of {@link TextGenerator}: the prompt's token ids, the new token ids (ending with the
 * end-of-sequence token when {@link FinishReason#EOS}, as {@code transformers} returns it), and the
 * new text decoded without special tokens (cut before the stop string when {@link FinishReason#STOP}).
 */
public record Generation(long[] promptIds, long[] generatedIds, String text, FinishReason finishReason) {

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

    public Generation {
        promptIds = promptIds.clone();
        generatedIds = generatedIds.clone();
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
