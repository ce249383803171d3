package io.modelcat.ml.train;

import ai.djl.ndarray.NDArray;

/**
 * Mean cross-entropy over the non-ignored positions: each target's log-probability gathered from the
 * log-softmax (no one-hot array of the logits' width), built only from array-array operations so that no
 * scalar buffer can be freed before backward (see {@code ScalarConstants}).
 */
final class CrossEntropyLoss {

    private CrossEntropyLoss() {}

    static NDArray of(NDArray logits, EncodedBatch batch) {
        NDArray picked = logits.logSoftmax(-1).gather(batch.targetIds().expandDims(-1), -1).squeeze(-1);
        return picked.mul(batch.targetWeights()).sum().div(batch.targetCount()).neg();
    }
}
