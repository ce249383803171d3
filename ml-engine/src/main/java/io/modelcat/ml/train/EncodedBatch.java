package io.modelcat.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A batch ready for the network, all arrays in the step's manager.
 *
 * @param inputs input ids and attention mask
 * @param targetIds the target class of every logits row (int64, the logits' shape without the last axis);
 *     any index where the position is ignored
 * @param targetWeights 1 where a position has a target, 0 where it is ignored (float32, same shape)
 * @param targetCount number of non-ignored positions, as a scalar array, to average the loss
 */
public record EncodedBatch(NDList inputs, NDArray targetIds, NDArray targetWeights, NDArray targetCount) {}
