package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
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
        Targets targets = new Targets(labelCount, examples.size());
        for (int row = 0; row < examples.size(); row++) {
            targets.set(row, examples.get(row).label());
        }
        return targets.batch(tokens.toNDList(manager), manager);
    }
}
