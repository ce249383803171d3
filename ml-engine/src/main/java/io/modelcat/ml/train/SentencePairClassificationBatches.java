package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.tokenize.TextTokenizer;
import io.modelcat.ml.tokenize.TokenizedBatch;
import java.util.List;

/** Encodes {@link LabeledPair} examples with the tokenizer's pair template and token types. */
public final class SentencePairClassificationBatches implements BatchEncoder<LabeledPair> {

    private final TextTokenizer tokenizer;
    private final int labelCount;
    private final int maxSequenceLength;

    public SentencePairClassificationBatches(TextTokenizer tokenizer, int labelCount, int maxSequenceLength) {
        this.tokenizer = tokenizer;
        this.labelCount = labelCount;
        this.maxSequenceLength = maxSequenceLength;
    }

    @Override
    public EncodedBatch encode(List<LabeledPair> examples, NDManager manager) {
        TokenizedBatch tokens = tokenizer.encodePairBatch(examples.stream().map(LabeledPair::first).toList(),
                examples.stream().map(LabeledPair::second).toList(), maxSequenceLength);
        float[] targets = new float[examples.size() * labelCount];
        for (int row = 0; row < examples.size(); row++) {
            int label = examples.get(row).label();
            if (label < 0 || label >= labelCount) {
                throw new IllegalArgumentException("label " + label + " outside 0.." + (labelCount - 1));
            }
            targets[row * labelCount + label] = 1f;
        }
        return new EncodedBatch(tokens.toNDList(manager),
                manager.create(targets, new Shape(examples.size(), labelCount)),
                manager.create((float) examples.size()));
    }
}
