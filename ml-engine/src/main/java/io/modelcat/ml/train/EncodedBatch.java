package io.modelcat.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A batch ready for the network, all arrays in the step's manager.
 *
 * @param inputs input ids and attention mask
 * @param targets one-hot targets shaped like the logits; all-zero rows are ignored positions
 * @param targetCount number of non-ignored positions, as a scalar array, to average the loss
 */
public record EncodedBatch(NDList inputs, NDArray targets, NDArray targetCount) {}
