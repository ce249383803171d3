package io.modelcat.runner.task;

import ai.djl.Device;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.model.HeadRequest;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.runner.data.TaskExample;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Loading a model with the head a task needs, and evaluating it: shared by evaluate and fine-tune jobs. */
public final class TaskModels {

    /** Seed of a head made only to evaluate a checkpoint that lacks one. */
    private static final long EVALUATION_HEAD_SEED = 42;

    private TaskModels() {
    }

    /**
     * The model with a head for the task: its own when the checkpoint has one, else a new head with the
     * rows' labels, initialised as transformers does, so that a base model evaluates before fine-tuning
     * (at chance level) on the same terms as after.
     */
    public static TransformerModel forEvaluation(Path modelDir, EvaluatedTask recipe, List<TaskExample> rows,
                                                 Device device, Consumer<String> log) {
        HeadType own = ModelLoader.checkpointConfig(modelDir).architecture()
                .flatMap(HeadType::fromTransformersClass).orElse(null);
        if (own == recipe.head()) {
            return ModelLoader.load(modelDir, device);
        }
        List<String> labels = recipe.labels(rows);
        if (recipe.head().isClassification()) {
            log.accept("The checkpoint has no " + recipe.task().wireName() + " head; evaluating with a new, untrained one "
                    + "for labels " + labels);
        }
        return ModelLoader.load(modelDir, new HeadRequest(recipe.head(), labels, EVALUATION_HEAD_SEED), device);
    }

    /** The base model with a head for {@code labels} (kept from the checkpoint when it already has them). */
    public static TransformerModel forTraining(Path modelDir, TrainedTask recipe, List<String> labels, long seed,
                                               Device device) {
        return ModelLoader.load(modelDir, new HeadRequest(recipe.head(), labels, seed), device);
    }

    /** The task's metrics on the rows, with the length capped at the model's positions. */
    public static Evaluation evaluate(TransformerModel model, EvaluatedTask recipe, List<TaskExample> rows,
                                      int batchSize, int maxLength) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("there are no usable rows to evaluate on");
        }
        return recipe.evaluate(model, rows, batchSize, model.fitSequenceLength(maxLength));
    }
}
