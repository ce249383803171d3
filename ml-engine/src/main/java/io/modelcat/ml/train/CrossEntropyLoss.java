package io.modelcat.ml.train;

import ai.djl.ndarray.NDArray;

/**
 * Mean cross-entropy over the non-ignored positions, built only from array-array operations so
 * that no scalar buffer can be freed before backward (see {@code ScalarConstants}).
 */
final class CrossEntropyLoss {

    private CrossEntropyLoss() {}

    static NDArray of(NDArray logits, EncodedBatch batch) {
        return logits.logSoftmax(-1).mul(batch.targets()).sum().div(batch.targetCount()).neg();
    }
}
