package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.tokenize.TextTokenizer;
import io.modelcat.ml.tokenize.TokenizedBatch;
import java.util.List;

/** Encodes {@link LabeledText} examples: padded token ids and one one-hot target per text. */
public final class SequenceClassificationBatches implements BatchEncoder<LabeledText> {

    private final TextTokenizer tokenizer;
    private final int labelCount;
    private final int maxSequenceLength;

    public SequenceClassificationBatches(TextTokenizer tokenizer, int labelCount, int maxSequenceLength) {
        this.tokenizer = tokenizer;
        this.labelCount = labelCount;
        this.maxSequenceLength = maxSequenceLength;
    }

    @Override
    public EncodedBatch encode(List<LabeledText> examples, NDManager manager) {
        TokenizedBatch tokens = tokenizer.encodeBatch(examples.stream().map(LabeledText::text).toList(),
                maxSequenceLength);
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
