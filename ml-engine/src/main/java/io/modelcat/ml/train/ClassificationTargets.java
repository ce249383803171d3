package io.modelcat.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** One-hot targets of a batch of class labels, shared by the single-text and sentence-pair encoders. */
final class ClassificationTargets {

    private ClassificationTargets() {
    }

    /** A (batch, labelCount) one-hot array; a label outside the head's range is refused. */
    static NDArray oneHot(List<Integer> labels, int labelCount, NDManager manager) {
        float[] targets = new float[labels.size() * labelCount];
        for (int row = 0; row < labels.size(); row++) {
            int label = labels.get(row);
            if (label < 0 || label >= labelCount) {
                throw new IllegalArgumentException("label " + label + " outside 0.." + (labelCount - 1));
            }
            targets[row * labelCount + label] = 1f;
        }
        return manager.create(targets, new Shape(labels.size(), labelCount));
    }
}
