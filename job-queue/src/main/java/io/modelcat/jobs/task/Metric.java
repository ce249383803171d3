package io.modelcat.jobs.task;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A figure a job records: its wire name, which way it improves, and what it means. */
public record Metric(String name, Direction direction, String title, String description) {

    static Metric higher(String name, String title, String description) {
        return new Metric(name, Direction.HIGHER_IS_BETTER, title, description);
    }

    static Metric lower(String name, String title, String description) {
        return new Metric(name, Direction.LOWER_IS_BETTER, title, description);
    }

    @JsonProperty("higherIsBetter")
    public boolean higherIsBetter() {
        return direction == Direction.HIGHER_IS_BETTER;
    }
}
