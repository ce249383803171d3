package io.modelcat.jobs.spec;

import io.modelcat.jobs.task.Task;

/**
 * The prediction (its shape depends on the task: labels with scores, entities, an answer span, mask
 * candidates or generated text), whether the model was already loaded, and how long it took.
 */
public record PredictResult(Task task, Object prediction, boolean cachedModel, long millis) implements JobResult {
}
