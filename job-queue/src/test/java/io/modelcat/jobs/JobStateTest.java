package io.modelcat.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobStateTest {

    @Test
    void aJobMovesForwardOrBackToTheQueueButNeverOutOfAFinalState() {
        assertThat(JobState.QUEUED.next()).containsExactlyInAnyOrder(JobState.RUNNING, JobState.CANCELLED);
        assertThat(JobState.RUNNING.next()).containsExactlyInAnyOrder(JobState.SUCCEEDED, JobState.FAILED,
                JobState.CANCELLED, JobState.QUEUED);
        for (JobState state : JobState.values()) {
            assertThat(state.next().isEmpty()).as("%s is final exactly when it has no next state", state)
                    .isEqualTo(state.isFinal());
            assertThat(state.canMoveTo(state)).isFalse();
        }
        assertThat(JobState.from(JobState.CANCELLED)).containsExactlyInAnyOrder(JobState.QUEUED, JobState.RUNNING);
        assertThat(JobState.from(JobState.SUCCEEDED)).containsExactly(JobState.RUNNING);
    }
}
