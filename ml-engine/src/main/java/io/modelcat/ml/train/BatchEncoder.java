package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
import java.util.List;

/** Turns a task's examples into network inputs and one-hot targets. */
public interface BatchEncoder<T> {

    EncodedBatch encode(List<T> examples, NDManager manager);
}
