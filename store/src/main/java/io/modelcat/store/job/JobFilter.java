package io.modelcat.store.job;

import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.JobState;
import java.util.List;
import java.util.UUID;

/** Which jobs a list shows: any of the states, any of the kinds (empty: all), and of one model (null: any). */
public record JobFilter(List<JobState> states, List<JobKind> kinds, UUID modelId) {

    public JobFilter {
        states = List.copyOf(states);
        kinds = List.copyOf(kinds);
    }
}
