package io.modelcat.ml.model;

import io.modelcat.ml.arch.HeadType;
import java.util.List;

/**
 * Asks the loader for a task head with the user's label set on top of a checkpoint; head
 * parameters that are missing, misshapen or trained for other labels are freshly initialised.
 */
public record HeadRequest(HeadType task, List<String> labels, long seed) {

    public HeadRequest {
        labels = List.copyOf(labels);
        if (task.isClassification() && labels.isEmpty()) {
            throw new IllegalArgumentException("a classification head needs at least one label");
        }
    }
}
