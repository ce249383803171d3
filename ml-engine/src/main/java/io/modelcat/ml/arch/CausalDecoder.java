package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * A decoder-only body (GPT-2, Llama and its relatives) that can also run incrementally: only the new
 * positions, with the keys and values of the earlier ones read from a {@link KeyValueCache}.
 */
interface CausalDecoder extends Encoder {

    /** The number of attention layers, one cache slot each. */
    int layerCount();

    /**
     * The body's pass over {@code ids} at {@code positions}: the whole sequence (no cache) or only the new positions
     * (their keys and values appended to {@code cache}, which then advances).
     *
     * @param ids the tokens, (batch, new) int64
     * @param positions each token's position, (batch, new) int64 (with left padding, a row's first real token is at
     *     position 0)
     * @param attentionMask 1 for real tokens, 0 for padding, over every position so far, (batch, cached + new)
     * @param cache null for a whole sequence
     * @return the hidden states of the positions run, (batch, new, hidden)
     */
    NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KeyValueCache cache, boolean training);

    /** A whole sequence, positions 0, 1, 2... in every row (training, scoring). */
    @Override
    default NDArray encode(NDList inputs, boolean training) {
        NDArray ids = inputs.get(0);
        Shape shape = ids.getShape();
        int sequence = (int) shape.get(1);
        long[] positions = new long[(int) shape.size()];
        for (int index = 0; index < positions.length; index++) {
            positions[index] = index % sequence;
        }
        return forward(ids, ids.getManager().create(positions, shape), inputs.get(1), null, training);
    }

    /** Only the new positions, for inference, against {@code cache} (see {@link #forward}). */
    default NDArray decode(NDArray ids, NDArray positions, NDArray attentionMask, KeyValueCache cache) {
        return forward(ids, positions, attentionMask, cache, false);
    }
}
