package io.modelcat.runner.batch;

import io.micronaut.context.annotation.Value;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.BatchScoreResult;
import io.modelcat.jobs.spec.BatchScoreSpec;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.execute.JobHandler;
import io.modelcat.runner.task.TaskRecipes;
import io.modelcat.store.batch.MiniBatchClaims;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores a dataset for a batch endpoint, as the invocation's own job: reads the rows, makes the mini-batches'
 * claims in PostgreSQL, and scores mini-batches with the task's recipe beside the invocation's helpers on other
 * runners ({@link BatchScoreHelperHandler}), each keeping its finished mini-batches in this job's work folder (so
 * that a retry, or a runner taking over after another died, skips them). It fails once all participants' bad
 * rows pass the error threshold, waits for the mini-batches others hold, and writes predictions.csv and
 * predictions.jsonl under {@code ${modelcat.home}/batch-outputs/<job>}.
 */
@Singleton
public class BatchScoreHandler implements JobHandler<BatchScoreSpec> {

    private final Path datasetsDir;
    private final Path outputRoot;
    private final MiniBatchLeases leases;

    public BatchScoreHandler(@Value("${modelcat.datasets.dir}") String datasetsDir,
                             @Value("${modelcat.home}") String home, MiniBatchLeases leases) {
        this.datasetsDir = Path.of(datasetsDir);
        this.outputRoot = Path.of(home, "batch-outputs");
        this.leases = leases;
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
    public BatchScoreResult run(BatchScoreSpec spec, JobContext context) throws InterruptedException {
        if (TaskRecipes.textToText(spec.task(), JobKind.PREDICT).isEmpty()) {
            TaskRecipes.predicting(spec.task()); // a task without a recipe fails here, before anything is read
        }
        context.log("Reading dataset " + spec.dataset().id() + " (" + spec.inputFileName() + ")");
        List<InputRow> rows = BatchRows.read(datasetsDir, spec);
        int size = spec.miniBatchSize();
        int count = (rows.size() + size - 1) / size;
        MiniBatches batches = new MiniBatches(context.workDirectory());
        MiniBatchClaims.Status status;
        int resumed;
        try (MiniBatchLeases.Participation participation = leases.join(context.jobId(), count)) {
            Set<Integer> marked = participation.done();
            for (int i : batches.finished()) {
                if (i < count && !marked.contains(i)) {
                    participation.found(i, (int) batches.read(i).stream().filter(ScoredRow::isBad).count());
                }
            }
            status = participation.status();
            resumed = status.done();
            if (resumed > 0) {
                context.log("INFO", "Resuming: " + resumed + " of " + count + " mini-batches were finished before this "
                        + "attempt started and are not scored again", Map.of("finishedMiniBatches", resumed));
            }
            checkThreshold(spec, status.badRows());
            if (!status.finished()) {
                context.progress(fraction(status.done(), count), detail("scoring", status, rows.size()));
                context.log("Scoring " + rows.size() + " rows in " + count + " mini-batches of " + size + " on "
                        + spec.instances() + (spec.instances() == 1 ? " runner" : " runners at once"));
                MiniBatchParticipant participant = new MiniBatchParticipant(spec, rows, batches, participation, context);
                status = participant.run(true,
                        s -> context.progress(fraction(s.done(), count), detail("scoring", s, rows.size())),
                        s -> overThreshold(spec, s.badRows()));
                checkThreshold(spec, status.badRows());
            }
            Map<String, Long> scoredBy = participation.scoredBy();
            context.log("INFO", "Mini-batches scored by " + scoredBy.size() + (scoredBy.size() == 1 ? " runner: " : " runners: ")
                    + scoredBy, Map.of("scoredBy", scoredBy));
        }
        long bad = status.badRows();
        Path outputs = outputRoot.resolve(context.jobId().toString());
        List<String> files = BatchOutputs.write(outputs, spec.inputFileName(), spec.csvFile(), batches, count);
        context.log("INFO", "Wrote predictions for " + (rows.size() - bad) + " of " + rows.size() + " rows ("
                + bad + " bad) to " + String.join(" and ", files), Map.of("outputs", outputs.toString()));
        context.progress(1.0, detail("done", status, rows.size()));
        return new BatchScoreResult(rows.size(), rows.size() - bad, bad, count, resumed, outputs.toUri().toString(),
                files.get(0), files.get(1));
    }

    static boolean overThreshold(BatchScoreSpec spec, long bad) {
        return spec.errorThreshold() >= 0 && bad > spec.errorThreshold();
    }

    private static void checkThreshold(BatchScoreSpec spec, long bad) {
        if (overThreshold(spec, bad)) {
            throw new IllegalStateException(bad + " bad rows, over the error threshold of " + spec.errorThreshold()
                    + " (see the logs of the job and of its helpers for the mini-batches; -1 ignores bad rows)");
        }
    }

    /** Scoring takes 5% to 95% of the progress bar; writing the outputs the rest. */
    static double fraction(int done, int count) {
        return count == 0 ? 0.95 : 0.05 + 0.9 * done / count;
    }

    /** The invocation's progress, counted over all its participants. */
    static Map<String, Object> detail(String phase, MiniBatchClaims.Status status, long rows) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("phase", phase);
        detail.put("miniBatchesDone", status.done());
        detail.put("miniBatches", status.miniBatches());
        detail.put("rows", rows);
        detail.put("badRows", status.badRows());
        detail.put("runners", status.runners());
        return detail;
    }
}
