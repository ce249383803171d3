package io.modelcat.ml.tokenize;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Right-padded token ids with their attention mask (1 for real tokens, 0 for padding) and token
 * type ids (segment 0 or 1 of a text pair; 0 for padding and single texts).
 */
public record TokenizedBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {

    public int size() {
        return inputIds.length;
    }

    public int sequenceLength() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }

    /**
     * The model inputs (input ids, attention mask, token type ids) as int64 arrays created in
     * {@code manager}, normally a per-batch manager.
     */
    public NDList toNDList(NDManager manager) {
        return new NDList(manager.create(inputIds), manager.create(attentionMask), manager.create(tokenTypeIds));
    }
}
