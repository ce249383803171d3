package io.modelcat.runner.finetune;

import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingListener;
import io.modelcat.ml.train.TrainingResult;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.runner.task.Evaluation;
import java.nio.file.Path;
import java.util.List;

/**
 * The model a fine-tune trains, whichever way its task runs (a network with a task head, or an encoder-decoder that
 * generates): what {@link FinetuneHandler} and {@link FinetuneListener} need of it.
 */
interface TunedModel extends AutoCloseable {

    /** Trains in place on the rows, telling {@code listener} each step and epoch. */
    TrainingResult train(TrainingConfig config, TrainingListener listener, List<TaskExample> rows);

    /** The task's metrics (the registry's names) on the rows, and a sample of predictions. */
    Evaluation evaluate(List<TaskExample> rows, int batchSize, int maxLength);

    /** Writes the model as a Hugging Face folder (config, safetensors, tokenizer files). */
    void save(Path directory);

    /**
     * Writes the model with its LoRA adapter merged into the weights ({@code W + alpha / rank * B A}) as a whole
     * Hugging Face folder, as {@code peft}'s {@code merge_and_unload} then {@code save_pretrained} would.
     *
     * @throws IllegalStateException when the model has no adapter
     */
    void saveMerged(Path directory);

    /** Tokens per row the model's positions take at most. */
    int maxSequenceLength();

    /** Where it runs, for the log. */
    String device();

    @Override
    void close();
}
