package io.modelcat.jobs;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a job is in its life: queued, running, then one of the three final states. The transitions a job
 * may make are {@link #next()}; every write of a job's state checks them.
 */
public enum JobState {
    QUEUED("queued"),
    RUNNING("running"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String wireName;

    JobState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /**
     * The states this one may move to: a queued job starts or is cancelled; a running one ends, or goes back
     * to the queue (a retry after a transient failure, or its runner shutting down); a final state is final.
     */
    public Set<JobState> next() {
        return switch (this) {
            case QUEUED -> Set.of(RUNNING, CANCELLED);
            case RUNNING -> Set.of(SUCCEEDED, FAILED, CANCELLED, QUEUED);
            case SUCCEEDED, FAILED, CANCELLED -> Set.of();
        };
    }

    public boolean canMoveTo(JobState target) {
        return next().contains(target);
    }

    /** The states from which a job may move to {@code target}. */
    public static List<JobState> from(JobState target) {
        return Arrays.stream(values()).filter(s -> s.canMoveTo(target)).toList();
    }

    public static Optional<JobState> fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(JobState::wireName).toList();
    }
}
