package io.modelcat.ml.arch;

import ai.djl.ndarray.types.Shape;

/**
 * A head parameter that may have to be created: its state-dict name, shape and role. New biases
 * start at zero, LayerNorm weights ({@code ones}) at one, other weights normal(0, initializer_range).
 */
public record ParameterSpec(String name, Shape shape, boolean bias, boolean ones) {

    public ParameterSpec(String name, Shape shape, boolean bias) {
        this(name, shape, bias, false);
    }
}
