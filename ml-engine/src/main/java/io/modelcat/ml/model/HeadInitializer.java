package io.modelcat.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.arch.ParameterSpec;
import java.util.Random;

/**
 * Creates a new head parameter as {@code transformers} does in {@code _init_weights}: weights drawn
 * from normal(0, initializer_range), biases zero, LayerNorm weights one. Seeded Java randomness keeps it reproducible.
 */
final class HeadInitializer {

    private final double standardDeviation;
    private final Random random;

    HeadInitializer(double standardDeviation, long seed) {
        this.standardDeviation = standardDeviation;
        this.random = new Random(seed);
    }

    NDArray create(ParameterSpec spec, NDManager manager) {
        float[] values = new float[Math.toIntExact(spec.shape().size())];
        if (spec.ones()) {
            java.util.Arrays.fill(values, 1f);
        } else if (!spec.bias()) {
            for (int index = 0; index < values.length; index++) {
                values[index] = (float) (random.nextGaussian() * standardDeviation);
            }
        }
        NDArray array = manager.create(values, spec.shape());
        array.setName(spec.name());
        return array;
    }
}
