package io.modelcat.runner.task;

import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.runner.data.TaskExample;
import java.util.List;

/** A task the engine evaluates on a dataset: how rows become examples, the head, the labels and the metrics. */
public interface EvaluatedTask extends TaskRecipe, RowReader {

    /** The head a model needs for this task. */
    HeadType head();

    /** The label set a new head gets for these rows, in id order; empty when the head predicts no labels. */
    List<String> labels(List<TaskExample> rows);

    /** Whether rows held out for validation and test keep each label's share of the data. */
    boolean stratifiedSplits();

    /** The task's metrics (the registry's names) and a sample of predictions. */
    Evaluation evaluate(TransformerModel model, List<TaskExample> rows, int batchSize, int maxLength);
}
