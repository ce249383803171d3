package io.modelcat.runner.batch;

import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.BatchScoreSpec;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.ml.infer.TextToTextModel;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.task.TaskRecipe;
import io.modelcat.runner.task.TaskRecipes;
import io.modelcat.runner.task.TextToTextTask;
import io.modelcat.store.batch.MiniBatchClaims;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One participant's part of a batch invocation, on any runner: claims the next free mini-batch, scores it with
 * the task's recipe (the model is loaded once, at the first mini-batch it scores), keeps it in the work folder
 * and marks it done, until none is left to claim. The invocation's own job then waits for the mini-batches
 * that others hold; a helper stops.
 */
final class MiniBatchParticipant {

    private static final int MAX_LENGTH = 512;
    private static final int LOGGED_BAD_ROWS = 20;
    private static final Duration WAIT_FOR_OTHERS = Duration.ofMillis(500);

    private final BatchScoreSpec spec;
    private final List<InputRow> rows;
    private final MiniBatches batches;
    private final MiniBatchLeases.Participation participation;
    private final JobContext context;
    private int scored;
    private long badRows;
    private int logged;

    MiniBatchParticipant(BatchScoreSpec spec, List<InputRow> rows, MiniBatches batches,
                         MiniBatchLeases.Participation participation, JobContext context) {
        this.spec = spec;
        this.rows = rows;
        this.batches = batches;
        this.participation = participation;
        this.context = context;
    }

    /**
     * Scores mini-batches until none is free; with {@code waitForOthers}, then until all are done. Reports
     * each change of the invocation's status to {@code onStatus}; stops once {@code stop} says so of a status.
     */
    MiniBatchClaims.Status run(boolean waitForOthers, Consumer<MiniBatchClaims.Status> onStatus,
                               Predicate<MiniBatchClaims.Status> stop) throws InterruptedException {
        AutoCloseable model = null;
        MiniBatchScorer scorer = null;
        try {
            while (true) {
                context.stopIfCancelled();
                OptionalInt next = participation.claimNext();
                if (next.isPresent()) {
                    int i = next.getAsInt();
                    if (batches.exists(i)) {
                        // Scored by a participant that died before marking it done.
                        participation.found(i, (int) batches.read(i).stream().filter(ScoredRow::isBad).count());
                    } else {
                        if (model == null) {
                            Path directory = Path.of(URI.create(spec.artifactUri()));
                            Optional<TextToTextTask> textToText = TaskRecipes.textToText(spec.task(), JobKind.PREDICT);
                            if (textToText.isPresent()) {
                                TextToTextModel loaded = TextToTextModel.load(directory, context.device());
                                model = loaded;
                                scorer = scorer(textToText.get(), loaded);
                            } else {
                                TransformerModel loaded = ModelLoader.load(directory, context.device());
                                model = loaded;
                                scorer = scorer(loaded);
                            }
                            context.log("Scoring mini-batches of " + spec.miniBatchSize() + " rows on "
                                    + context.device());
                        }
                        score(scorer, i);
                    }
                }
                MiniBatchClaims.Status status = participation.status();
                onStatus.accept(status);
                if (stop.test(status) || status.finished() || next.isEmpty() && !waitForOthers) {
                    return status;
                }
                if (next.isEmpty()) {
                    Thread.sleep(WAIT_FOR_OTHERS.toMillis());
                }
            }
        } finally {
            if (model != null) {
                try {
                    model.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot close the model", e);
                }
            }
        }
    }

    private void score(MiniBatchScorer scorer, int i) {
        int size = spec.miniBatchSize();
        List<ScoredRow> result = scorer.score(i, rows.subList(i * size, Math.min(rows.size(), (i + 1) * size)));
        batches.write(i, result);
        int bad = (int) result.stream().filter(ScoredRow::isBad).count();
        for (ScoredRow row : result) {
            if (row.isBad() && logged < LOGGED_BAD_ROWS) {
                context.log("WARN", "Row " + row.row() + " (mini-batch " + i + ") was not scored: " + row.error(),
                        Map.of("row", row.row(), "miniBatch", i));
                logged++;
            }
        }
        if (!participation.finish(i, bad)) {
            context.log("WARN", "Mini-batch " + i + " was taken over by another participant while this one scored it "
                    + "(its lease ran out); both wrote the same predictions", Map.of("miniBatch", i));
        }
        scored++;
        badRows += bad;
    }

    private MiniBatchScorer scorer(TransformerModel model) {
        TaskRecipe recipe = TaskRecipes.predicting(spec.task());
        int maxLength = model.fitSequenceLength(MAX_LENGTH);
        return new MiniBatchScorer(spec.task(), new MiniBatchScorer.Predictor() {
            @Override
            public Object predict(Map<String, String> inputs) {
                return recipe.predict(model, predictSpec(inputs), maxLength);
            }

            @Override
            public List<Object> predictAll(List<Map<String, String>> batch) {
                return recipe.predictAll(model, batch.stream().map(MiniBatchParticipant.this::predictSpec).toList(),
                        maxLength);
            }
        }, spec.maxRetries(), message -> context.log("WARN", message, Map.of()));
    }

    private MiniBatchScorer scorer(TextToTextTask recipe, TextToTextModel model) {
        return new MiniBatchScorer(spec.task(), new MiniBatchScorer.Predictor() {
            @Override
            public Object predict(Map<String, String> inputs) {
                return recipe.predictAll(model, List.of(predictSpec(inputs)), MAX_LENGTH).get(0);
            }

            @Override
            public List<Object> predictAll(List<Map<String, String>> batch) {
                return recipe.predictAll(model, batch.stream().map(MiniBatchParticipant.this::predictSpec).toList(),
                        MAX_LENGTH);
            }
        }, spec.maxRetries(), message -> context.log("WARN", message, Map.of()));
    }

    private PredictSpec predictSpec(Map<String, String> inputs) {
        return new PredictSpec(spec.task(), spec.artifactUri(), inputs, null, null);
    }

    /** The mini-batches this participant scored. */
    int scored() {
        return scored;
    }

    /** The bad rows of the mini-batches this participant scored. */
    long badRows() {
        return badRows;
    }
}
