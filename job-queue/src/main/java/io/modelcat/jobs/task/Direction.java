package io.modelcat.jobs.task;

/** Which way a metric improves. */
public enum Direction {
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER;

    /** Whether {@code candidate} is strictly better than {@code incumbent}. */
    public boolean better(double candidate, double incumbent) {
        return this == HIGHER_IS_BETTER ? candidate > incumbent : candidate < incumbent;
    }

    /** SQL sort order that puts the best value first. */
    public String bestFirst() {
        return this == HIGHER_IS_BETTER ? "DESC" : "ASC";
    }
}
