package io.modelcat.runner.task;

import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.TrainingResult;
import io.modelcat.runner.data.TaskExample;
import java.util.List;

/** A task the engine fine-tunes. */
public interface TrainedTask extends EvaluatedTask {

    /**
     * Trains {@code model} (whose head has {@code labels}, in id order) on the rows.
     *
     * @param maxLength tokens per row, already capped at the model's positions
     */
    TrainingResult train(FineTuner tuner, TransformerModel model, List<TaskExample> rows, List<String> labels,
                         int maxLength);
}
