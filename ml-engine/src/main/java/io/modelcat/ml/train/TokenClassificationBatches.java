package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
import io.modelcat.ml.tokenize.TextTokenizer;
import io.modelcat.ml.tokenize.WordAlignedBatch;
import java.util.List;

/**
 * Encodes {@link LabeledTokens}: only the first sub-token of each word carries the word's tag;
 * special tokens, later sub-tokens and padding are ignored, as in the transformers NER recipe.
 */
public final class TokenClassificationBatches implements BatchEncoder<LabeledTokens> {

    private final TextTokenizer tokenizer;
    private final int labelCount;
    private final int maxSequenceLength;

    public TokenClassificationBatches(TextTokenizer tokenizer, int labelCount, int maxSequenceLength) {
        this.tokenizer = tokenizer;
        this.labelCount = labelCount;
        this.maxSequenceLength = maxSequenceLength;
    }

    @Override
    public EncodedBatch encode(List<LabeledTokens> examples, NDManager manager) {
        WordAlignedBatch batch = tokenizer.encodeWordsBatch(examples.stream().map(LabeledTokens::words).toList(),
                maxSequenceLength);
        int sequence = batch.tokens().sequenceLength();
        Targets targets = new Targets(labelCount, examples.size(), sequence);
        for (int row = 0; row < examples.size(); row++) {
            long previousWord = -1;
            for (int position = 0; position < sequence; position++) {
                long word = batch.wordIds()[row][position];
                if (word >= 0 && word != previousWord) {
                    targets.set(row * sequence + position, examples.get(row).labels().get((int) word));
                }
                previousWord = word;
            }
        }
        return targets.batch(batch.tokens().toNDList(manager), manager);
    }
}
