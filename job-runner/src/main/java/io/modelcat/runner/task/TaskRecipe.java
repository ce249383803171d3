package io.modelcat.runner.task;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.model.TransformerModel;
import java.util.function.Consumer;

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
     * The same, telling {@code newText} each piece of text as it is generated (only text generation
     * generates; the other tasks tell nothing).
     */
    default Object predict(TransformerModel model, PredictSpec spec, int maxLength, Consumer<String> newText) {
        return predict(model, spec, maxLength);
    }
}
