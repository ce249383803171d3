package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** The body of a transformer: token ids and attention mask in, hidden states (batch, seq, hidden) out. */
public interface Encoder {

    /**
     * @param inputs {@code input_ids} (batch, seq) int64, {@code attention_mask} (batch, seq) int64,
     *     optionally {@code token_type_ids}; all attached to the batch's own manager
     */
    NDArray encode(NDList inputs, boolean training);

    /** The width of the hidden states. */
    int hiddenSize();
}
