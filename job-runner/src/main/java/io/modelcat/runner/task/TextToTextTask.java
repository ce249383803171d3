package io.modelcat.runner.task;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.TextToTextModel;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingListener;
import io.modelcat.ml.train.TrainingResult;
import io.modelcat.runner.data.TaskExample;
import java.util.List;

/**
 * A task that an encoder-decoder does by generating text from text (summarization, translation): it reads dataset
 * rows, fine-tunes, evaluates with ROUGE and BLEU, and predicts for "Try it" and batch scoring. Such models load as a
 * {@link TextToTextModel}, not with a task head, so these tasks have recipes of their own.
 */
public interface TextToTextTask extends RowReader {

    Task task();

    /**
     * The task's metrics (the registry's names) and a sample of predictions.
     *
     * @param languages the source and target language codes a translation asks for, or {@link Languages#NONE}
     */
    Evaluation evaluate(TextToTextModel model, List<TaskExample> rows, Languages languages, int batchSize,
                        int maxLength);

    /**
     * Fine-tunes the encoder-decoder in place on the rows with teacher forcing: each source with the task prefix the
     * languages pick, each reference as the target, both cut to {@code config.maxSequenceLength()} tokens (capped by
     * learned positions), keeping their closing special token.
     */
    TrainingResult train(TextToTextModel model, List<TaskExample> rows, Languages languages, TrainingConfig config,
                         TrainingListener listener);

    /** Generated text for each call, in order; an input the task cannot take is an {@link IllegalArgumentException}. */
    List<Object> predictAll(TextToTextModel model, List<PredictSpec> specs, int maxLength);

    /** Source and target language codes ({@code en}, {@code de}); either may be null. */
    record Languages(String source, String target) {

        public static final Languages NONE = new Languages(null, null);

        public boolean given() {
            return source != null || target != null;
        }
    }
}
