package io.modelcat.runner.batch;

import io.micronaut.context.annotation.Value;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.BatchScoreResult;
import io.modelcat.jobs.spec.BatchScoreSpec;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.execute.JobHandler;
import io.modelcat.runner.task.TaskRecipe;
import io.modelcat.runner.task.TaskRecipes;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores a dataset for a batch endpoint: loads the model once, scores the rows in mini-batches with the
 * task's recipe, keeps each finished mini-batch in the job's work folder (so that a retry, or a runner
 * taking over after another died, skips them), fails once the bad rows pass the error threshold, and at
 * the end writes predictions.csv and predictions.jsonl under {@code ${modelcat.home}/batch-outputs/<job>}.
 */
@Singleton
public class BatchScoreHandler implements JobHandler<BatchScoreSpec> {

    private static final int MAX_LENGTH = 512;
    private static final int LOGGED_BAD_ROWS = 20;

    private final Path datasetsDir;
    private final Path outputRoot;

    public BatchScoreHandler(@Value("${modelcat.datasets.dir}") String datasetsDir,
                             @Value("${modelcat.home}") String home) {
        this.datasetsDir = Path.of(datasetsDir);
        this.outputRoot = Path.of(home, "batch-outputs");
    }

    @Override
    public JobKind kind() {
        return JobKind.BATCH_SCORE;
    }

    @Override
    public Class<BatchScoreSpec> specType() {
        return BatchScoreSpec.class;
    }

    @Override
    public BatchScoreResult run(BatchScoreSpec spec, JobContext context) {
        TaskRecipe recipe = TaskRecipes.predicting(spec.task());
        context.log("Reading dataset " + spec.dataset().id() + " (" + spec.inputFileName() + ")");
        List<InputRow> rows = BatchRows.read(datasetsDir, spec);
        int size = spec.miniBatchSize();
        int count = (rows.size() + size - 1) / size;
        MiniBatches batches = new MiniBatches(context.workDirectory());
        Set<Integer> finished = batches.finished();
        finished.removeIf(i -> i >= count);
        long bad = 0;
        for (int i : finished) {
            bad += batches.read(i).stream().filter(ScoredRow::isBad).count();
        }
        int resumed = finished.size();
        if (resumed > 0) {
            context.log("INFO", "Resuming: " + resumed + " of " + count + " mini-batches were finished by an earlier "
                    + "attempt and are not scored again", Map.of("finishedMiniBatches", resumed));
        }
        checkThreshold(spec, bad);
        int done = resumed;
        if (done < count) {
            context.progress(fraction(done, count), detail("loading model", done, count, rows.size(), bad));
            context.stopIfCancelled();
            try (TransformerModel model = ModelLoader.load(Path.of(URI.create(spec.artifactUri())), context.device())) {
                int maxLength = model.fitSequenceLength(MAX_LENGTH);
                context.log("Scoring " + rows.size() + " rows in " + count + " mini-batches of " + size + " on "
                        + model.device());
                MiniBatchScorer scorer = new MiniBatchScorer(spec.task(), new MiniBatchScorer.Predictor() {
                    @Override
                    public Object predict(Map<String, String> inputs) {
                        return recipe.predict(model, predictSpec(spec, inputs), maxLength);
                    }

                    @Override
                    public List<Object> predictAll(List<Map<String, String>> batch) {
                        return recipe.predictAll(model, batch.stream().map(inputs -> predictSpec(spec, inputs)).toList(),
                                maxLength);
                    }
                }, spec.maxRetries(), message -> context.log("WARN", message, Map.of()));
                int logged = 0;
                for (int i = 0; i < count; i++) {
                    if (finished.contains(i)) {
                        continue;
                    }
                    context.stopIfCancelled();
                    List<ScoredRow> scored = scorer.score(i, rows.subList(i * size, Math.min(rows.size(), (i + 1) * size)));
                    batches.write(i, scored);
                    logged = logBadRows(context, i, scored, logged);
                    bad += scored.stream().filter(ScoredRow::isBad).count();
                    done++;
                    context.progress(fraction(done, count), detail("scoring", done, count, rows.size(), bad));
                    checkThreshold(spec, bad);
                }
            }
        }
        Path outputs = outputRoot.resolve(context.jobId().toString());
        BatchOutputs.write(outputs, spec.inputFileName(), batches, count);
        context.log("INFO", "Wrote predictions for " + (rows.size() - bad) + " of " + rows.size() + " rows ("
                + bad + " bad)", Map.of("outputs", outputs.toString()));
        context.progress(1.0, detail("done", done, count, rows.size(), bad));
        return new BatchScoreResult(rows.size(), rows.size() - bad, bad, count, resumed, outputs.toUri().toString());
    }

    private static PredictSpec predictSpec(BatchScoreSpec spec, Map<String, String> inputs) {
        return new PredictSpec(spec.task(), spec.artifactUri(), inputs, null, null);
    }

    /** Logs the reasons of bad rows, the first {@value #LOGGED_BAD_ROWS} of an attempt; answers how many are logged. */
    private static int logBadRows(JobContext context, int index, List<ScoredRow> scored, int logged) {
        for (ScoredRow row : scored) {
            if (row.isBad() && logged < LOGGED_BAD_ROWS) {
                context.log("WARN", "Row " + row.row() + " (mini-batch " + index + ") was not scored: " + row.error(),
                        Map.of("row", row.row(), "miniBatch", index));
                logged++;
            }
        }
        return logged;
    }

    private static void checkThreshold(BatchScoreSpec spec, long bad) {
        if (spec.errorThreshold() >= 0 && bad > spec.errorThreshold()) {
            throw new IllegalStateException(bad + " bad rows, over the error threshold of " + spec.errorThreshold()
                    + " (see the job's log for the mini-batches; -1 ignores bad rows)");
        }
    }

    /** Scoring takes 5% to 95% of the progress bar; writing the outputs the rest. */
    private static double fraction(int done, int count) {
        return count == 0 ? 0.95 : 0.05 + 0.9 * done / count;
    }

    private static Map<String, Object> detail(String phase, int done, int count, long rows, long bad) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("phase", phase);
        detail.put("miniBatchesDone", done);
        detail.put("miniBatches", count);
        detail.put("rows", rows);
        detail.put("badRows", bad);
        return detail;
    }
}
