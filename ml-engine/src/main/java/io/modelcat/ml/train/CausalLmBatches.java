package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
import io.modelcat.ml.tokenize.TextTokenizer;
import io.modelcat.ml.tokenize.TokenizedBatch;
import java.util.List;

/** Encodes plain texts for next-token prediction: position t is trained to predict token t+1. */
public final class CausalLmBatches implements BatchEncoder<String> {

    private final TextTokenizer tokenizer;
    private final int vocabularySize;
    private final int maxSequenceLength;

    public CausalLmBatches(TextTokenizer tokenizer, int vocabularySize, int maxSequenceLength) {
        this.tokenizer = tokenizer;
        this.vocabularySize = vocabularySize;
        this.maxSequenceLength = maxSequenceLength;
    }

    @Override
    public EncodedBatch encode(List<String> texts, NDManager manager) {
        TokenizedBatch tokens = tokenizer.encodeBatch(texts, maxSequenceLength);
        int sequence = tokens.sequenceLength();
        Targets targets = new Targets(vocabularySize, texts.size(), sequence);
        for (int row = 0; row < texts.size(); row++) {
            // The last real token has no successor, and padding predicts nothing: both stay ignored.
            for (int position = 0; position + 1 < sequence; position++) {
                if (tokens.attentionMask()[row][position + 1] == 1) {
                    targets.set(row * sequence + position, tokens.inputIds()[row][position + 1]);
                }
            }
        }
        return targets.batch(tokens.toNDList(manager), manager);
    }
}
