package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;

/**
 * A decoder-only body (GPT-2, Llama and its relatives) that can also run incrementally: only the new
 * positions, with the keys and values of the earlier ones read from a {@link KeyValueCache}.
 */
interface CausalDecoder extends Encoder {

    /** The number of attention layers, one cache slot each. */
    int layerCount();

    /**
     * Runs the new positions through the body for inference, appending their keys and values to
     * {@code cache} and advancing it.
     *
     * @param ids the new tokens, (batch, new) int64
     * @param positions each new token's position, (batch, new) int64 (with left padding, a row's first real
     *     token is at position 0)
     * @param attentionMask 1 for real tokens, 0 for padding, over every position so far, (batch, cached + new)
     * @return the hidden states of the new positions, (batch, new, hidden)
     */
    NDArray decode(NDArray ids, NDArray positions, NDArray attentionMask, KeyValueCache cache);
}
