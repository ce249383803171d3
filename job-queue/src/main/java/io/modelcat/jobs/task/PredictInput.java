package io.modelcat.jobs.task;

/** One input of sample inference ("Try it") for a task: its name in the request, and what to type there. */
public record PredictInput(String name, boolean required, String description) {

    static PredictInput required(String name, String description) {
        return new PredictInput(name, true, description);
    }

    static PredictInput optional(String name, String description) {
        return new PredictInput(name, false, description);
    }
}
