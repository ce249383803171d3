package io.modelcat.ml.arch;

import ai.djl.ndarray.types.Shape;

/** A head parameter that may have to be created: its state-dict name, shape and role. */
public record ParameterSpec(String name, Shape shape, boolean bias) {}
