package io.modelcat.runner.serve;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.serve.ServeEvent;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.TextToTextModel;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.runner.task.TaskRecipe;
import io.modelcat.runner.task.TaskRecipes;
import io.modelcat.runner.task.TextToTextTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The model a deployment instance serves, loaded as its task's recipe takes it, and the {@link Batcher.Work} that runs
 * calls with that recipe: the one "Try it" and batch endpoints run. Encoder-decoder tasks (summarization, translation)
 * load a {@link TextToTextModel} and generate a batch in one padded search; the other tasks a {@link TransformerModel}
 * with its head.
 */
public interface ServedModel extends AutoCloseable {

    /** Source or sequence length every call is cut to, capped by the model's positions. */
    int MAX_LENGTH = 512;

    /** What the instance's batcher runs. */
    Batcher.Work work();

    @Override
    void close();

    /** Loads the model of {@code directory} for {@code task} on {@code device}. */
    static ServedModel load(Task task, Path directory, Device device) {
        if (!task.servedByEndpoints()) {
            throw new IllegalArgumentException("task '" + task.wireName() + "' cannot be served");
        }
        Optional<TextToTextTask> textToText = TaskRecipes.textToText(task, JobKind.PREDICT);
        if (textToText.isPresent()) {
            return new Generating(textToText.get(), TextToTextModel.load(directory, device));
        }
        return new WithHead(TaskRecipes.predicting(task), ModelLoader.load(directory, device));
    }

    /** A model with a task head: a batch in one call of the recipe, a streamed call input by input. */
    record WithHead(TaskRecipe recipe, TransformerModel model) implements ServedModel {

        @Override
        public Batcher.Work work() {
            int maxLength = model.fitSequenceLength(MAX_LENGTH);
            return (specs, events) -> {
                if (events == null) {
                    return json(recipe.predictAll(model, specs, maxLength));
                }
                List<JsonNode> predictions = new ArrayList<>();
                for (int i = 0; i < specs.size(); i++) {
                    int input = i;
                    JsonNode prediction = JobSpecs.convert(recipe.predict(model, specs.get(i), maxLength,
                            (text, logprobs) -> events.accept(ServeEvent.delta(input, text, logprobs.isEmpty()
                                    ? null : JobSpecs.convert(logprobs, JsonNode.class)))), JsonNode.class);
                    predictions.add(prediction);
                    events.accept(ServeEvent.prediction(i, prediction));
                }
                return predictions;
            };
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * An encoder-decoder: a batch of calls in one search per distinct setting. It does not stream: beam search settles
     * on its output only at the end, so there are no tokens to send as they come.
     */
    record Generating(TextToTextTask recipe, TextToTextModel model) implements ServedModel {

        @Override
        public Batcher.Work work() {
            return (List<PredictSpec> specs, Consumer<ServeEvent> events) -> {
                if (events != null) {
                    throw new IllegalArgumentException(recipe.task().wireName() + " does not stream: the model searches "
                            + "(greedy or beams) and its text is known only at the end; call without stream");
                }
                return json(recipe.predictAll(model, specs, MAX_LENGTH));
            };
        }

        @Override
        public void close() {
            model.close();
        }
    }

    private static List<JsonNode> json(List<Object> predictions) {
        return predictions.stream().map(p -> JobSpecs.convert(p, JsonNode.class)).toList();
    }
}
