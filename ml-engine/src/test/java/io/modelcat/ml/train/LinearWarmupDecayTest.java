package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LinearWarmupDecayTest {

    @Test
    void risesOverWarmupThenFallsToZero() {
        LinearWarmupDecay schedule = new LinearWarmupDecay(1.0, 2, 10);
        assertThat(schedule.rateAt(0)).isZero();
        assertThat(schedule.rateAt(1)).isCloseTo(0.5, within(1e-12));
        assertThat(schedule.rateAt(2)).isCloseTo(1.0, within(1e-12));
        assertThat(schedule.rateAt(6)).isCloseTo(0.5, within(1e-12));
        assertThat(schedule.rateAt(9)).isCloseTo(0.125, within(1e-12));
        assertThat(schedule.rateAt(10)).isZero();
    }

    @Test
    void withoutWarmupStartsAtThePeak() {
        LinearWarmupDecay schedule = new LinearWarmupDecay(0.1, 0, 4);
        assertThat(schedule.rateAt(0)).isCloseTo(0.1, within(1e-12));
        assertThat(schedule.rateAt(2)).isCloseTo(0.05, within(1e-12));
    }
}
