package io.modelcat.runner.predict;

import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.PredictResult;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.execute.JobHandler;
import io.modelcat.runner.task.TaskRecipe;
import io.modelcat.runner.task.TaskRecipes;
import io.modelcat.runner.task.TextToTextTask;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers one sample-inference call ("try it" on a model card) with the model kept loaded by the
 * {@link ModelCache}, as the task's recipe predicts: labels with scores, entities, an answer span, mask
 * fillings or generated text.
 */
@Singleton
public class PredictHandler implements JobHandler<PredictSpec> {

    private static final int MAX_LENGTH = 512;

    private final ModelCache cache;

    public PredictHandler(ModelCache cache) {
        this.cache = cache;
    }

    @Override
    public JobKind kind() {
        return JobKind.PREDICT;
    }

    @Override
    public Class<PredictSpec> specType() {
        return PredictSpec.class;
    }

    @Override
    public PredictResult run(PredictSpec spec, JobContext context) {
        Path dir = Path.of(URI.create(spec.artifactUri()));
        long started = System.nanoTime();
        Optional<TextToTextTask> textToText = TaskRecipes.textToText(spec.task(), JobKind.PREDICT);
        if (textToText.isPresent()) {
            return cache.withTextToText(dir, context.device(), (model, cached) -> {
                context.log("INFO", cached ? "Using the model kept loaded" : "Loaded the model", Map.of("cached", cached));
                Object prediction = textToText.get().predictAll(model, List.of(spec), MAX_LENGTH).get(0);
                return new PredictResult(spec.task(), prediction, cached, (System.nanoTime() - started) / 1_000_000);
            });
        }
        TaskRecipe recipe = TaskRecipes.predicting(spec.task());
        return cache.with(dir, context.device(), (model, cached) -> {
            context.log("INFO", cached ? "Using the model kept loaded" : "Loaded the model", Map.of("cached", cached));
            Object prediction = recipe.predict(model, spec, model.fitSequenceLength(MAX_LENGTH));
            return new PredictResult(spec.task(), prediction, cached, (System.nanoTime() - started) / 1_000_000);
        });
    }
}
