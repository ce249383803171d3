package io.modelcat.jobs.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcat.jobs.JobKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskTest {

    @ParameterizedTest
    @EnumSource(Task.class)
    void everyTaskHasADatasetSchemaUnderItsOwnName(Task task) {
        assertThat(task.schema().task()).isEqualTo(task.wireName());
        assertThat(Task.fromJson(task.wireName())).isSameAs(task);
    }

    @ParameterizedTest
    @EnumSource(Task.class)
    void aTaskThatIsEvaluatedHasMetricsAndWatchesOneOfThemForEarlyStopping(Task task) {
        if (task.runs(JobKind.EVALUATE) || task.runs(JobKind.FINETUNE)) {
            assertThat(task.metrics()).isNotEmpty();
            assertThat(task.earlyStoppingMetric()).isPresent();
            assertThat(task.metrics()).contains(task.earlyStoppingMetric().orElseThrow());
        } else {
            assertThat(task.earlyStoppingMetric()).isEmpty();
        }
        assertThat(task.metrics()).extracting(Metric::name).doesNotHaveDuplicates();
    }

    @Test
    void directionsComeFromTheRegistry() {
        assertThat(Task.directionOf("perplexity")).contains(Direction.LOWER_IS_BETTER);
        assertThat(Task.directionOf("f1_macro")).contains(Direction.HIGHER_IS_BETTER);
        assertThat(Task.directionOf("token_accuracy")).contains(Direction.HIGHER_IS_BETTER);
        assertThat(Task.directionOf("epoch_loss")).contains(Direction.LOWER_IS_BETTER);
        assertThat(Task.directionOf("made_up")).isEmpty();
        // A name two places declare must mean the same in both.
        assertThat(Task.TEXT_GENERATION.metric("loss").orElseThrow().direction())
                .isEqualTo(TrainingSeries.LOSS.direction());
    }

    @Test
    void directionComparesBothWays() {
        assertThat(Direction.HIGHER_IS_BETTER.better(0.9, 0.8)).isTrue();
        assertThat(Direction.HIGHER_IS_BETTER.better(0.8, 0.8)).isFalse();
        assertThat(Direction.LOWER_IS_BETTER.better(2.0, 3.0)).isTrue();
        assertThat(Direction.LOWER_IS_BETTER.bestFirst()).isEqualTo("ASC");
    }

    @Test
    void anUnknownTaskNamesTheKnownOnes() {
        assertThatThrownBy(() -> Task.fromJson("image-segmentation")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image-segmentation").hasMessageContaining("text-classification, ");
    }

    @Test
    void runnableTasksOfAKind() {
        assertThat(Task.running(JobKind.FINETUNE)).containsExactly(Task.TEXT_CLASSIFICATION, Task.TOKEN_CLASSIFICATION,
                Task.QUESTION_ANSWERING, Task.SUMMARIZATION, Task.TRANSLATION, Task.TEXT_GENERATION);
        assertThat(Task.running(JobKind.PREDICT)).contains(Task.QUESTION_ANSWERING, Task.FILL_MASK);
    }
}
