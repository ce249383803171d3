package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
import io.modelcat.ml.tokenize.TextTokenizer;
import io.modelcat.ml.tokenize.TokenizedBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes prompt/completion rows for instruction tuning, as TRL's {@code SFTTrainer} does with
 * {@code completion_only_loss}: the prompt as the tokenizer encodes a text (its special tokens included), then
 * the completion without special tokens and the end-of-sequence token, so that the model learns to stop; only
 * positions whose next token belongs to the completion (or its end-of-sequence token) are trained. A row without
 * a completion is learned whole, as {@link CausalLmBatches} does. Rows longer than the limit are cut at the end.
 */
public final class CompletionBatches implements BatchEncoder<PromptCompletion> {

    private final TextTokenizer tokenizer;
    private final int vocabularySize;
    private final int maxSequenceLength;
    private final long endOfSequence;

    /** @param endOfSequence the id closing each completion; negative for none */
    public CompletionBatches(TextTokenizer tokenizer, int vocabularySize, int maxSequenceLength, long endOfSequence) {
        this.tokenizer = tokenizer;
        this.vocabularySize = vocabularySize;
        this.maxSequenceLength = maxSequenceLength;
        this.endOfSequence = endOfSequence < vocabularySize ? endOfSequence : -1;
    }

    @Override
    public EncodedBatch encode(List<PromptCompletion> rows, NDManager manager) {
        List<long[]> ids = new ArrayList<>(rows.size());
        int[] firstTrained = new int[rows.size()];
        for (int row = 0; row < rows.size(); row++) {
            PromptCompletion example = rows.get(row);
            long[] prompt = tokenizer.encode(example.prompt());
            long[] all = prompt;
            if (example.completion() != null) {
                long[] completion = tokenizer.encode(example.completion(), false);
                all = Arrays.copyOf(prompt, prompt.length + completion.length + (endOfSequence >= 0 ? 1 : 0));
                System.arraycopy(completion, 0, all, prompt.length, completion.length);
                if (endOfSequence >= 0) {
                    all[all.length - 1] = endOfSequence;
                }
                firstTrained[row] = prompt.length;
            } else {
                firstTrained[row] = 1;
            }
            ids.add(all.length > maxSequenceLength ? Arrays.copyOf(all, maxSequenceLength) : all);
        }
        TokenizedBatch tokens = tokenizer.padIds(ids);
        int sequence = tokens.sequenceLength();
        Targets targets = new Targets(vocabularySize, rows.size(), sequence);
        for (int row = 0; row < rows.size(); row++) {
            long[] rowIds = ids.get(row);
            // Position t predicts token t + 1: trained where that token is the completion's (or the text's).
            for (int next = Math.max(1, firstTrained[row]); next < rowIds.length; next++) {
                targets.set(row * sequence + next - 1, rowIds[next]);
            }
        }
        return targets.batch(tokens.toNDList(manager), manager);
    }
}
