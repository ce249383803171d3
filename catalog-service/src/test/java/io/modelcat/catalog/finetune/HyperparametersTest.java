package io.modelcat.catalog.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.catalog.problem.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Defaults and limits of the fine-tune hyperparameters, without a server. */
class HyperparametersTest {

    @Test
    void absentValuesTakeTheDocumentedDefaults() {
        List<FieldError> errors = new ArrayList<>();

        Hyperparameters h = Hyperparameters.resolve(null, errors);

        assertThat(errors).isEmpty();
        assertThat(h).isEqualTo(new Hyperparameters(3, 16, 5e-5, 0.01, 0.0, 1.0, 42, 128, null));
    }

    @Test
    void limitsAreInclusiveWhereTheDocsSaySo() {
        List<FieldError> errors = new ArrayList<>();

        Hyperparameters.resolve(new Hyperparameters.Input(100, 512, 1.0, 1.0, 0.999, 1e-9, -7L, 4096, 100), errors);
        Hyperparameters.resolve(new Hyperparameters.Input(1, 1, 1e-12, 0.0, 0.0, 5.0, 0L, 8, 1), errors);

        assertThat(errors).isEmpty();
    }

    @Test
    void eachValueOutOfItsLimitsIsNamed() {
        List<FieldError> errors = new ArrayList<>();

        Hyperparameters.resolve(new Hyperparameters.Input(101, 0, 0.0, -0.1, 1.0, Double.NaN, null, 7, 101), errors);

        assertThat(errors).extracting(FieldError::field).containsExactly("hyperparameters.epochs",
                "hyperparameters.batchSize", "hyperparameters.learningRate", "hyperparameters.weightDecay",
                "hyperparameters.warmupRatio", "hyperparameters.maxGradNorm", "hyperparameters.maxSequenceLength",
                "hyperparameters.earlyStoppingPatience");
    }
}
