package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;

/** A task head: hidden states (batch, seq, hidden) in, logits out. */
interface Head {

    NDArray logits(NDArray hidden, boolean training);
}
