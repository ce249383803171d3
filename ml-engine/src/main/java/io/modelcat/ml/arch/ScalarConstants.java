package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scalar constants as arrays owned by a long-lived manager.
 *
 * <p>DJL's {@code NDArray.mul(Number)} on PyTorch frees the scalar's buffer at once while autograd
 * still references it, so a garbage collection before {@code backward()} yields NaN or zero
 * gradients. Every constant the forward pass multiplies or adds therefore comes from here.
 */
public final class ScalarConstants {

    private final NDManager manager;
    private final Map<Float, NDArray> cache = new ConcurrentHashMap<>();

    public ScalarConstants(NDManager manager) {
        this.manager = manager;
    }

    public NDArray of(float value) {
        return cache.computeIfAbsent(value, manager::create);
    }
}
