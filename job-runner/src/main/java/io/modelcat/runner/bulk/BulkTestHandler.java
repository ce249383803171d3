package io.modelcat.runner.bulk;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.modelcat.datasets.DatasetReader;
import io.modelcat.datasets.Row;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.flow.ChatModel;
import io.modelcat.jobs.flow.FlowExecution;
import io.modelcat.jobs.spec.BulkTestResult;
import io.modelcat.jobs.spec.BulkTestSpec;
import io.modelcat.runner.execute.JobCancelledException;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.execute.JobHandler;
import io.modelcat.store.Database;
import io.modelcat.store.flow.BulkTests;
import io.modelcat.store.flow.BulkTests.AnswerRow;
import io.modelcat.store.metric.BulkTestMetrics;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs a bulk test (docs/flows.md): the flow over every dataset row in each compared variant, {@code concurrency}
 * rows at once, each answer kept in {@code bulk_test_row} as it arrives ({@link RowKeeper}: rows answered together
 * share a commit, each finished once committed; rows answered by an earlier attempt or job are not called again);
 * then the evaluation methods over every answered row, their scores kept on the rows and the metrics on the test
 * and, per variant, in the {@code metric} table ({@link BulkTestMetrics}). The LLM calls go through
 * catalog-service's mesh ({@link MeshChatModel}).
 */
@Singleton
public class BulkTestHandler implements JobHandler<BulkTestSpec> {

    private static final int MAX_LINE_BYTES = 16 << 20;
    private static final int ROWS_PER_READ = 5_000;

    private final Database db;
    private final Path datasetsDir;
    private final String catalogUrl;
    private final String runnerToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1).build();

    public BulkTestHandler(Database db, @Value("${modelcat.datasets.dir}") String datasetsDir,
                           @Nullable @Value("${modelcat.catalog.url:}") String catalogUrl,
                           @Nullable @Value("${modelcat.runner.token:}") String runnerToken) {
        this.db = db;
        this.datasetsDir = Path.of(datasetsDir);
        this.catalogUrl = catalogUrl;
        this.runnerToken = runnerToken == null ? "" : runnerToken.trim();
    }

    @Override
    public JobKind kind() {
        return JobKind.BULK_TEST;
    }

    @Override
    public Class<BulkTestSpec> specType() {
        return BulkTestSpec.class;
    }

    /** A dataset row: its flow inputs, ground truths, or why it cannot be read. */
    private record DataRow(int number, Map<String, String> inputs, Map<String, String> truths, String problem) {
    }

    @Override
    public BulkTestResult run(BulkTestSpec spec, JobContext context) throws Exception {
        if (catalogUrl == null || catalogUrl.isBlank()) {
            throw new IllegalStateException("MODELCAT_CATALOG_URL is not set on this runner: a bulk test calls LLMs "
                    + "through catalog-service's LLM mesh, so the runner needs its URL (e.g. http://catalog:8080)");
        }
        context.log("Reading dataset " + spec.dataset().id());
        List<String> truthColumns = BulkEvaluations.truthColumns(spec.evaluations());
        List<DataRow> rows = read(spec, truthColumns);
        ChatModel llm = new MeshChatModel(http, catalogUrl, runnerToken, context.jobId(), context::cancelled);
        String name = "bulk-test-" + context.jobId().toString().substring(0, 8);
        ExecutorService pool = Executors.newFixedThreadPool(spec.concurrency(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        RowKeeper keeper = new RowKeeper(db, spec.bulkTestId(), name + "-rows");
        try {
            Calls calls = call(spec, rows, llm, pool, keeper, context);
            return evaluate(spec, rows, truthColumns, calls, new BulkEvaluations(spec.evaluations(), llm, pool), context);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
            keeper.close();
        }
    }

    private List<DataRow> read(BulkTestSpec spec, List<String> truthColumns) {
        List<DataRow> rows = new ArrayList<>();
        try (DatasetReader reader = DatasetReader.open(spec.dataset().resolveIn(datasetsDir), spec.dataset().format(),
                MAX_LINE_BYTES)) {
            int number = -1;
            for (Row row = reader.next(); row != null; row = reader.next()) {
                number++;
                if (row.isBad()) {
                    rows.add(new DataRow(number, Map.of(), Map.of(), "line " + row.line() + ": " + row.problem()));
                    continue;
                }
                Map<String, String> inputs = new LinkedHashMap<>();
                for (Map.Entry<String, String> input : spec.inputColumns().entrySet()) {
                    Object value = row.values().get(input.getValue());
                    if (value != null) {
                        inputs.put(input.getKey(), value.toString());
                    }
                }
                Map<String, String> truths = new LinkedHashMap<>();
                for (String column : truthColumns) {
                    Object value = row.values().get(column);
                    if (value != null && !value.toString().isBlank()) {
                        truths.put(column, value.toString());
                    }
                }
                rows.add(new DataRow(number, inputs, truths, null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + spec.dataset().id() + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /** What this job called: rows answered now, failures counted over the whole test, tokens used now. */
    private record Calls(long called, long failed, long promptTokens, long completionTokens) {
    }

    private Calls call(BulkTestSpec spec, List<DataRow> rows, ChatModel llm, ExecutorService pool, RowKeeper keeper,
                       JobContext context) throws InterruptedException {
        FlowExecution flow = new FlowExecution(spec.flow(), llm);
        CompletionService<AnswerRow> done = new ExecutorCompletionService<>(pool);
        long total = (long) rows.size() * spec.runs().size();
        long answeredBefore = 0;
        long failedBefore = 0;
        int pending = 0;
        for (String run : spec.runs()) {
            Set<Integer> answered = db.read(c -> BulkTests.answered(c, spec.bulkTestId(), run));
            answeredBefore += answered.size();
            failedBefore += db.read(c -> BulkTests.failed(c, spec.bulkTestId(), run));
            for (DataRow row : rows) {
                if (answered.contains(row.number())) {
                    continue;
                }
                done.submit(() -> answer(flow, spec, run, row, keeper, context));
                pending++;
            }
        }
        if (answeredBefore > 0) {
            context.log("INFO", "Resuming: " + answeredBefore + " of " + total + " rows were answered before this job "
                    + "started and are not called again", Map.of("answeredRows", answeredBefore));
        }
        context.log("Calling the flow for " + pending + " rows (" + spec.runs().size() + " run"
                + (spec.runs().size() == 1 ? "" : "s") + ": " + String.join(", ", spec.runs()) + "), "
                + spec.concurrency() + " at once");
        long promptTokens = 0;
        long completionTokens = 0;
        long failed = failedBefore;
        long finished = answeredBefore;
        long called = 0;
        int logged = 0;
        long lastReport = 0;
        for (int i = 0; i < pending; i++) {
            AnswerRow row;
            while (true) {
                context.stopIfCancelled();
                var next = done.poll(500, TimeUnit.MILLISECONDS);
                if (next != null) {
                    try {
                        row = next.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (e.getCause() instanceof RuntimeException failure) {
                            throw failure;
                        }
                        throw new IllegalStateException("row could not be answered: " + e.getCause().getMessage(),
                                e.getCause());
                    }
                    break;
                }
            }
            called++;
            finished++;
            promptTokens += row.promptTokens();
            completionTokens += row.completionTokens();
            if (row.error() != null) {
                failed++;
                if (logged++ < 20) {
                    context.log("WARN", "Row " + row.rowNumber() + " (" + row.variant() + ") failed: " + row.error(),
                            Map.of("row", row.rowNumber(), "variant", row.variant()));
                }
                if (spec.errorThreshold() >= 0 && failed > spec.errorThreshold()) {
                    throw new IllegalStateException(failed + " rows failed, over the error threshold of "
                            + spec.errorThreshold() + " (the answered rows are kept: a new job of this test calls only "
                            + "the others; -1 tolerates any number)");
                }
            }
            long now = System.nanoTime();
            if (now - lastReport > 500_000_000L || i == pending - 1) {
                lastReport = now;
                context.progress(total == 0 ? 0.9 : 0.9 * finished / total, detail("calling", finished, total, failed));
            }
        }
        return new Calls(called, failed, promptTokens, completionTokens);
    }

    /**
     * Runs and keeps one row (returning once it is committed); a row cut short by cancellation or the job's end is
     * not kept (it runs again).
     */
    private AnswerRow answer(FlowExecution flow, BulkTestSpec spec, String run, DataRow row, RowKeeper keeper,
                             JobContext context) throws Exception {
        AnswerRow answer;
        if (row.problem() != null) {
            answer = new AnswerRow(run, row.number(), Map.of(), Map.of(), List.of(), row.problem(), 0, 0, 0, null,
                    Map.of());
        } else {
            FlowExecution.RowResult result = flow.run(row.inputs(), spec.choice(run));
            answer = new AnswerRow(run, row.number(), row.inputs(), result.outputs(), result.steps(), result.error(),
                    result.latencyMillis(), result.promptTokens(), result.completionTokens(), result.costUsd(), Map.of());
        }
        if (Thread.currentThread().isInterrupted() || context.cancelled()) {
            throw new JobCancelledException();
        }
        keeper.keep(answer);
        return answer;
    }

    private BulkTestResult evaluate(BulkTestSpec spec, List<DataRow> rows, List<String> truthColumns, Calls calls,
                                    BulkEvaluations evaluations, JobContext context) throws InterruptedException {
        Map<String, Map<Integer, String>> truths = BulkEvaluations.emptyTruths(truthColumns);
        rows.forEach(r -> r.truths().forEach((column, value) -> truths.get(column).put(r.number(), value)));
        List<BulkTestResult.RunMetrics> runs = new ArrayList<>();
        if (!spec.evaluations().isEmpty()) {
            context.log("Applying " + spec.evaluations().size() + " evaluation method"
                    + (spec.evaluations().size() == 1 ? "" : "s"));
        }
        int index = 0;
        for (String run : spec.runs()) {
            context.stopIfCancelled();
            List<AnswerRow> answered = new ArrayList<>();
            for (int offset = 0; ; offset += ROWS_PER_READ) {
                int from = offset;
                List<AnswerRow> page = db.read(c -> BulkTests.rows(c, spec.bulkTestId(), run, from, ROWS_PER_READ));
                answered.addAll(page);
                if (page.size() < ROWS_PER_READ) {
                    break;
                }
            }
            BulkEvaluations.Evaluated evaluated = evaluations.evaluate(answered, truths);
            db.write(c -> {
                BulkTests.scores(c, spec.bulkTestId(), run, evaluated.scores());
                return null;
            });
            List<AnswerRow> good = answered.stream().filter(r -> r.error() == null).toList();
            runs.add(new BulkTestResult.RunMetrics(run, answered.size(), answered.size() - good.size(),
                    good.stream().mapToLong(AnswerRow::latencyMillis).average().orElse(0),
                    answered.stream().mapToLong(AnswerRow::promptTokens).sum(),
                    answered.stream().mapToLong(AnswerRow::completionTokens).sum(),
                    answered.stream().map(AnswerRow::costUsd).filter(java.util.Objects::nonNull).reduce(Double::sum)
                            .orElse(null),
                    evaluated.metrics(), evaluated.confusion()));
            context.log("INFO", "Run '" + run + "': " + evaluated.metrics(), Map.of("variant", run));
            index++;
            context.progress(0.9 + 0.1 * index / spec.runs().size(), detail("evaluating", rows.size(), rows.size(),
                    calls.failed()));
        }
        BulkTestResult result = new BulkTestResult(rows.size(), calls.called(), calls.failed(), calls.promptTokens(),
                calls.completionTokens(), runs);
        db.write(c -> {
            BulkTests.result(c, spec.bulkTestId(), context.jobId(), result);
            BulkTestMetrics.replace(c, spec, context.jobId(), result);
            return null;
        });
        return result;
    }

    private static Map<String, Object> detail(String phase, long done, long total, long failed) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("phase", phase);
        detail.put("rowsDone", done);
        detail.put("rows", total);
        detail.put("failedRows", failed);
        return detail;
    }
}
