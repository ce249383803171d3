package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;

/** Additive attention biases: 0 where attention is allowed, a large negative number where not. */
final class AttentionMasks {

    /** Large enough that softmax gives exactly 0, small enough that sums of two stay finite. */
    static final float MASKED = -1e9f;

    private AttentionMasks() {}

    /**
     * From a (batch, seq) 1/0 padding mask to a (batch, 1, 1, seq) bias over the keys; empty on a
     * CPU when nothing is padded, as transformers then adds no mask either (adding zeros would change
     * no score, but it is one more pass over every layer's attention scores). On a GPU the bias is
     * always made: the check reads a value back, which waits for all queued work.
     */
    static Optional<NDArray> padding(NDArray attentionMask, ScalarConstants constants) {
        Shape shape = attentionMask.getShape();
        NDArray visible = attentionMask.toType(DataType.FLOAT32, false);
        if (!attentionMask.getDevice().isGpu() && visible.min().getFloat() == 1f) {
            return Optional.empty();
        }
        return Optional.of(visible.sub(constants.of(1f))
                .mul(constants.of(-MASKED))
                .reshape(shape.get(0), 1, 1, shape.get(1)));
    }

    /** A (1, 1, seq, seq) bias that hides later positions from earlier ones, as GPT-2 does. */
    static NDArray causal(NDArray like, int sequenceLength) {
        return causal(like, sequenceLength, 0);
    }

    /**
     * A (1, 1, queries, cached + queries) bias for {@code queries} new positions after {@code cached} ones
     * held in a key/value cache: the new position {@code q} sees every cached key and the new keys up to
     * itself.
     */
    static NDArray causal(NDArray like, int queries, int cached) {
        return causal(like, queries, cached, 0);
    }

    /**
     * The causal bias with a sliding window: besides later keys, the query at index {@code i} (counting cached
     * positions, padding included) does not see keys at {@code i - window} and before, as transformers'
     * {@code sliding_window_overlay} ({@code kv_idx > q_idx - sliding_window}); {@code window} 0 is no window.
     */
    static NDArray causal(NDArray like, int queries, int cached, int window) {
        int keys = cached + queries;
        float[] bias = new float[queries * keys];
        for (int query = 0; query < queries; query++) {
            int position = cached + query;
            for (int key = 0; key < keys; key++) {
                if (key > position || (window > 0 && key <= position - window)) {
                    bias[query * keys + key] = MASKED;
                }
            }
        }
        return like.getManager().create(bias, new Shape(1, 1, queries, keys));
    }

    /**
     * The whole bias of a decoder's pass over {@code queries} new positions after {@code cached} ones: causal
     * and padding together; null when neither hides anything (one new position and no padding), so that
     * the attention adds nothing.
     */
    static NDArray decoder(NDArray ids, NDArray attentionMask, int cached, ScalarConstants constants) {
        return decoder(ids, attentionMask, cached, 0, constants);
    }

    /**
     * The same with a sliding window of {@code window} positions (0: none), which hides keys only once the
     * sequence is longer than the window.
     */
    static NDArray decoder(NDArray ids, NDArray attentionMask, int cached, int window, ScalarConstants constants) {
        int queries = (int) ids.getShape().get(1);
        Optional<NDArray> padding = padding(attentionMask, constants);
        boolean windowHides = window > 0 && cached + queries > window;
        if (queries == 1 && !windowHides) {
            return padding.orElse(null);
        }
        NDArray causal = causal(ids, queries, cached, windowHides ? window : 0);
        return padding.map(p -> p.add(causal)).orElse(causal);
    }
}
