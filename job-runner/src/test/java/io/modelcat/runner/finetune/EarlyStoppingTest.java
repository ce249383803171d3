package io.modelcat.runner.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.jobs.task.Task;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    @Test
    void stopsAfterPatienceEpochsWithoutImprovementOfAHigherIsBetterMetric() {
        EarlyStopping stopping = new EarlyStopping(Task.TEXT_CLASSIFICATION.earlyStoppingMetric().orElseThrow(), 2,
                null, 0);
        assertThat(stopping.observe(0.5)).isTrue();
        assertThat(stopping.observe(0.7)).isTrue();
        assertThat(stopping.observe(0.7)).as("equal is no improvement").isFalse();
        assertThat(stopping.shouldStop()).isFalse();
        assertThat(stopping.observe(0.6)).isFalse();
        assertThat(stopping.shouldStop()).isTrue();
        assertThat(stopping.best()).isEqualTo(0.7);
        assertThat(stopping.epochsWithoutImprovement()).isEqualTo(2);
    }

    @Test
    void lowerIsBetterForALanguageModelsLoss() {
        EarlyStopping stopping = new EarlyStopping(Task.TEXT_GENERATION.earlyStoppingMetric().orElseThrow(), 1,
                null, 0);
        assertThat(stopping.observe(3.0)).isTrue();
        assertThat(stopping.observe(2.5)).isTrue();
        assertThat(stopping.observe(2.6)).isFalse();
        assertThat(stopping.shouldStop()).isTrue();
    }

    @Test
    void withoutPatienceItNeverStopsButStillKnowsTheBestEpoch() {
        EarlyStopping stopping = new EarlyStopping(Task.TOKEN_CLASSIFICATION.earlyStoppingMetric().orElseThrow(), null,
                null, 0);
        for (int epoch = 0; epoch < 50; epoch++) {
            stopping.observe(0.1);
        }
        assertThat(stopping.shouldStop()).isFalse();
        assertThat(stopping.best()).isEqualTo(0.1);
    }

    @Test
    void continuesFromTheStateACheckpointKept() {
        EarlyStopping resumed = new EarlyStopping(Task.TEXT_CLASSIFICATION.earlyStoppingMetric().orElseThrow(), 2,
                0.8, 1);
        assertThat(resumed.observe(0.79)).isFalse();
        assertThat(resumed.shouldStop()).isTrue();
    }
}
