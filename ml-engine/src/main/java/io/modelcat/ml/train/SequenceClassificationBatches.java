package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
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
        Targets targets = new Targets(labelCount, examples.size());
        for (int row = 0; row < examples.size(); row++) {
            targets.set(row, examples.get(row).label());
        }
        return targets.batch(tokens.toNDList(manager), manager);
    }
}
