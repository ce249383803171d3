package io.modelcat.jobs.spec;

/** One invalid field of a job's specification, named as the API names it (e.g. {@code hyperparameters.epochs}). */
public record SpecError(String field, String message) {
}
