package io.modelcat.runner.task;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.TextGenerator;
import io.modelcat.ml.model.TransformerModel;
import java.util.ArrayList;
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
     * Sample inference on several inputs of one task at once (a deployment instance's batch, a batch endpoint's
     * mini-batch), one prediction per spec, in order, each as {@link #predict} makes it; an input the task cannot
     * take is an {@link IllegalArgumentException}, as for one. By default one after the other; a recipe whose
     * engine runs a batch in one pass overrides it.
     */
    default List<Object> predictAll(TransformerModel model, List<PredictSpec> specs, int maxLength) {
        List<Object> predictions = new ArrayList<>(specs.size());
        for (PredictSpec spec : specs) {
            predictions.add(predict(model, spec, maxLength));
        }
        return predictions;
    }

    /**
     * Sample inference on one input as {@link #predict(TransformerModel, PredictSpec, int)}, telling {@code newText}
     * each piece of text as it is generated, with its tokens' log-probabilities when the spec asks for them (only text
     * generation generates; the other tasks tell nothing).
     */
    default Object predict(TransformerModel model, PredictSpec spec, int maxLength,
                           TextGenerator.TokenListener newText) {
        return predict(model, spec, maxLength);
    }
}
