package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
        float[] targets = new float[texts.size() * sequence * vocabularySize];
        int counted = 0;
        for (int row = 0; row < texts.size(); row++) {
            // The last real token has no successor, and padding predicts nothing: both stay all-zero.
            for (int position = 0; position + 1 < sequence; position++) {
                if (tokens.attentionMask()[row][position + 1] == 1) {
                    int next = Math.toIntExact(tokens.inputIds()[row][position + 1]);
                    targets[(row * sequence + position) * vocabularySize + next] = 1f;
                    counted++;
                }
            }
        }
        return new EncodedBatch(tokens.toNDList(manager),
                manager.create(targets, new Shape(texts.size(), sequence, vocabularySize)),
                manager.create((float) Math.max(1, counted)));
    }
}
