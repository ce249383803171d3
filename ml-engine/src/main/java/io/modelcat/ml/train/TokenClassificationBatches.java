package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
        float[] targets = new float[examples.size() * sequence * labelCount];
        int counted = 0;
        for (int row = 0; row < examples.size(); row++) {
            long previousWord = -1;
            for (int position = 0; position < sequence; position++) {
                long word = batch.wordIds()[row][position];
                if (word >= 0 && word != previousWord) {
                    int label = examples.get(row).labels().get((int) word);
                    if (label < 0 || label >= labelCount) {
                        throw new IllegalArgumentException("label " + label + " outside 0.." + (labelCount - 1));
                    }
                    targets[(row * sequence + position) * labelCount + label] = 1f;
                    counted++;
                }
                previousWord = word;
            }
        }
        return new EncodedBatch(batch.tokens().toNDList(manager),
                manager.create(targets, new Shape(examples.size(), sequence, labelCount)),
                manager.create((float) Math.max(1, counted)));
    }
}
