package io.modelcat.runner.task;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.model.TransformerModel;
import java.util.List;

/**
 * How the runner does one {@link Task} with the engine. Every task the registry lets run gets a recipe;
 * a recipe that also implements {@link EvaluatedTask} and {@link TrainedTask} evaluates and fine-tunes.
 */
public interface TaskRecipe {

    Task task();

    /**
     * Sample inference on one input: labels with scores, entities, an answer span, mask candidates or
     * generated text, as maps and lists that the API shows as JSON.
     */
    Object predict(TransformerModel model, PredictSpec spec, int maxLength);

    /**
     * Sample inference on several inputs (a batch endpoint's mini-batch): one prediction per spec, in order,
     * each what {@link #predict} gives. A recipe that can run them in one forward pass overrides this; an input
     * the task cannot take is an {@link IllegalArgumentException}, as for one.
     */
    default List<Object> predictAll(TransformerModel model, List<PredictSpec> specs, int maxLength) {
        return specs.stream().map(spec -> predict(model, spec, maxLength)).toList();
    }
}
