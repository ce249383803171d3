package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
import io.modelcat.ml.tokenize.TextTokenizer;
import io.modelcat.ml.tokenize.TokenizedBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes causal-LM rows whose loss is on some tokens only: prompt/completion rows for instruction tuning, as TRL's
 * {@code SFTTrainer} does with {@code completion_only_loss} (the prompt as the tokenizer encodes a text, its special
 * tokens included, then the completion without special tokens and the end-of-sequence token, so that the model
 * learns to stop; only the completion and that token are learned; a row without a completion is learned whole), or
 * any {@link LearnedTokens} (a conversation's assistant turns). Rows longer than the limit are cut at the end.
 */
public final class CompletionBatches implements BatchEncoder<PromptCompletion> {

    private final TextTokenizer tokenizer;
    private final int maxSequenceLength;
    private final long endOfSequence;
    private final Tokens tokens;

    /** @param endOfSequence the id closing each completion; negative for none */
    public CompletionBatches(TextTokenizer tokenizer, int vocabularySize, int maxSequenceLength, long endOfSequence) {
        this.tokenizer = tokenizer;
        this.maxSequenceLength = maxSequenceLength;
        this.endOfSequence = endOfSequence < vocabularySize ? endOfSequence : -1;
        this.tokens = new Tokens(tokenizer, vocabularySize, maxSequenceLength);
    }

    /** The same encoding for rows already tokenized, with their learned tokens marked. */
    public BatchEncoder<LearnedTokens> forTokens() {
        return tokens;
    }

    @Override
    public EncodedBatch encode(List<PromptCompletion> rows, NDManager manager) {
        List<LearnedTokens> encoded = new ArrayList<>(rows.size());
        for (PromptCompletion row : rows) {
            encoded.add(tokens(row));
        }
        return tokens.encode(encoded, manager);
    }

    /** A prompt/completion row as tokens, the completion and its end-of-sequence token learned. */
    public LearnedTokens tokens(PromptCompletion row) {
        long[] prompt = tokenizer.encode(row.prompt());
        if (row.completion() == null) {
            return LearnedTokens.whole(prompt);
        }
        long[] completion = tokenizer.encode(row.completion(), false);
        if (endOfSequence >= 0) {
            completion = Arrays.copyOf(completion, completion.length + 1);
            completion[completion.length - 1] = endOfSequence;
        }
        return LearnedTokens.of(List.of(prompt, completion), List.of(false, true));
    }

    /** Pads and cuts rows of tokens, and makes their targets. */
    private static final class Tokens implements BatchEncoder<LearnedTokens> {
        private final TextTokenizer tokenizer;
        private final int vocabularySize;
        private final int maxSequenceLength;

        Tokens(TextTokenizer tokenizer, int vocabularySize, int maxSequenceLength) {
            this.tokenizer = tokenizer;
            this.vocabularySize = vocabularySize;
            this.maxSequenceLength = maxSequenceLength;
        }

        @Override
        public EncodedBatch encode(List<LearnedTokens> rows, NDManager manager) {
            List<long[]> ids = new ArrayList<>(rows.size());
            for (LearnedTokens row : rows) {
                long[] all = row.ids();
                ids.add(all.length > maxSequenceLength ? Arrays.copyOf(all, maxSequenceLength) : all);
            }
            TokenizedBatch batch = tokenizer.padIds(ids);
            int sequence = batch.sequenceLength();
            Targets targets = new Targets(vocabularySize, rows.size(), sequence);
            for (int row = 0; row < rows.size(); row++) {
                long[] rowIds = ids.get(row);
                boolean[] learned = rows.get(row).learned();
                // Position t predicts token t + 1: trained where that token is learned.
                for (int next = 1; next < rowIds.length; next++) {
                    if (learned[next]) {
                        targets.set(row * sequence + next - 1, rowIds[next]);
                    }
                }
            }
            return targets.batch(batch.toNDList(manager), manager);
        }
    }
}
