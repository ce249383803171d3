package io.modelcat.ml.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The targets of a batch as class indices, filled in position by position: one index per logits row (the
 * logits' shape without its last axis) and a weight that is 1 where a target is set and 0 where the position
 * is ignored. The loss gathers each target's log-probability; nothing as wide as the vocabulary is made.
 */
final class Targets {

    private final Shape shape;
    private final int classes;
    private final long[] ids;
    private final float[] weights;
    private int count;

    /**
     * @param classes the width of the logits' last axis (labels, vocabulary or positions), to refuse an index
     *     outside it
     * @param shape the logits' shape without the last axis
     */
    Targets(int classes, long... shape) {
        this.shape = new Shape(shape);
        this.classes = classes;
        this.ids = new long[Math.toIntExact(this.shape.size())];
        this.weights = new float[ids.length];
    }

    /** Sets the target of the row at {@code index} (row-major over the shape) to class {@code target}. */
    void set(int index, long target) {
        if (target < 0 || target >= classes) {
            throw new IllegalArgumentException("target " + target + " outside 0.." + (classes - 1));
        }
        if (weights[index] == 0f) {
            count++;
        }
        ids[index] = target;
        weights[index] = 1f;
    }

    EncodedBatch batch(NDList inputs, NDManager manager) {
        return new EncodedBatch(inputs, manager.create(ids, shape), manager.create(weights, shape),
                manager.create((float) Math.max(1, count)));
    }
}
