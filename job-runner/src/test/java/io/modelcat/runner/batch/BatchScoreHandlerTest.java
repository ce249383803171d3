package io.modelcat.runner.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcat.datasets.DatasetFormat;
import io.modelcat.jobs.spec.BatchScoreHelperResult;
import io.modelcat.jobs.spec.BatchScoreHelperSpec;
import io.modelcat.jobs.spec.BatchScoreResult;
import io.modelcat.jobs.spec.BatchScoreSpec;
import io.modelcat.jobs.spec.DatasetRef;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.runner.RunnerContexts;
import io.modelcat.runner.execute.JobCancelledException;
import io.modelcat.runner.task.TaskRecipes;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.store.batch.MiniBatchClaims;
import io.modelcat.testsupport.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch-score handler on the tiny DistilBERT classifier, with its claims in the real PostgreSQL of a real
 * runner: mini-batches, a bad row, predictions.csv as Azure writes it with the same labels as sample inference,
 * the error threshold, an attempt that stops after one mini-batch and a second attempt that scores only the
 * others, and an invocation scored together with a helper giving the outputs of one scored alone.
 */
class BatchScoreHandlerTest {

    private static EmbeddedServer runner;
    private static MiniBatchLeases leases;

    private static final String[] TEXTS = {"the movie was good", "a bad, bad dog", "the cat sat on the mat",
        "\"quoted\" words", "is it good", "nothing", "the end"};

    @TempDir
    Path home;

    private String artifactUri;
    private BatchScoreHandler handler;

    @BeforeAll
    static void startRunner() {
        runner = RunnerContexts.start(Map.of("modelcat.runner.serving", false));
        leases = runner.getApplicationContext().getBean(MiniBatchLeases.class);
    }

    @AfterAll
    static void stopRunner() {
        runner.close();
    }

    /** The invocation's job row, which its mini-batches' claims belong to. */
    private static UUID invocation() {
        UUID id = UUID.randomUUID();
        TestDatabase.shared().executeHere("INSERT INTO job (id, kind, state, params) VALUES ('" + id
                + "', 'batch-score', 'running', '{}')");
        return id;
    }

    @BeforeEach
    void modelAndDataset() throws IOException {
        artifactUri = Fixtures.model("distilbert-sequence-classification").toUri().toString();
        Path datasets = Files.createDirectories(home.resolve("datasets"));
        StringBuilder csv = new StringBuilder("id,review\n");
        for (int i = 0; i < TEXTS.length; i++) {
            csv.append(i).append(",\"").append(TEXTS[i].replace("\"", "\"\"")).append("\"\n");
            if (i == 2) {
                csv.append("99,\n"); // row 3: no text, a bad row
            }
        }
        Files.writeString(datasets.resolve("reviews.csv"), csv.toString());
        handler = new BatchScoreHandler(datasets.toString(), home.toString(), leases);
    }

    private BatchScoreSpec spec(int errorThreshold) {
        return new BatchScoreSpec(Task.TEXT_CLASSIFICATION, UUID.randomUUID(), artifactUri,
                new DatasetRef(UUID.randomUUID(), "reviews.csv", DatasetFormat.CSV), "reviews.csv",
                Map.of("text", "review"), 3, errorThreshold, 1, 1, null);
    }

    @Test
    void anAttemptStoppedAfterOneMiniBatchIsResumedWithoutScoringItAgain() throws Exception {
        UUID job = invocation();
        Path work = Files.createDirectories(home.resolve("work").resolve(job.toString()));
        RecordingContext first = new RecordingContext(job, work,
                detail -> Integer.valueOf(1).equals(detail.get("miniBatchesDone")));
        assertThatThrownBy(() -> handler.run(spec(-1), first)).isInstanceOf(JobCancelledException.class);
        assertThat(new MiniBatches(work).finished()).containsExactly(0);
        Path miniBatch = work.resolve("mini-batches/000000.jsonl");
        long written = Files.getLastModifiedTime(miniBatch).toMillis();

        RecordingContext second = new RecordingContext(job, work);
        BatchScoreResult result = handler.run(spec(-1), second);

        assertThat(result.rows()).isEqualTo(8);
        assertThat(result.badRows()).isEqualTo(1);
        assertThat(result.scored()).isEqualTo(7);
        assertThat(result.miniBatches()).isEqualTo(3);
        assertThat(result.resumedMiniBatches()).isEqualTo(1);
        assertThat(second.logs).anyMatch(l -> l.contains("Resuming: 1 of 3 mini-batches"));
        assertThat(second.progress).extracting(d -> d.get("miniBatchesDone")).contains(2, 3).doesNotContain(0);
        assertThat(Files.getLastModifiedTime(miniBatch).toMillis()).as("not written again").isEqualTo(written);

        Path outputs = Path.of(URI.create(result.outputUri()));
        assertThat(outputs).isEqualTo(home.resolve("batch-outputs").resolve(job.toString()));
        assertThat(result.files()).containsExactly("predictions.csv", "predictions.jsonl");
        try (var files = Files.list(outputs)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("nothing partial left")
                    .containsExactlyInAnyOrder("predictions.csv", "predictions.jsonl");
        }
        List<String> csv = Files.readAllLines(outputs.resolve("predictions.csv"));
        assertThat(csv).hasSize(7);
        assertThat(csv).extracting(l -> l.substring(0, l.indexOf(','))).containsExactly("0", "1", "2", "4", "5", "6", "7");
        assertThat(csv).allMatch(l -> l.endsWith(",reviews.csv"));
        try (TransformerModel model = ModelLoader.load(Path.of(URI.create(artifactUri)))) {
            for (int i = 0; i < TEXTS.length; i++) {
                Map<?, ?> expected = (Map<?, ?>) TaskRecipes.predicting(Task.TEXT_CLASSIFICATION).predict(model,
                        new PredictSpec(Task.TEXT_CLASSIFICATION, artifactUri, Map.of("text", TEXTS[i]), null, null),
                        model.fitSequenceLength(512));
                String line = csv.get(i);
                assertThat(line.split(",")[1]).as("row %s as sample inference labels it", i)
                        .isEqualTo(expected.get("label"));
            }
        }
        List<String> jsonl = Files.readAllLines(outputs.resolve("predictions.jsonl"));
        assertThat(jsonl).hasSize(8);
        assertThat(jsonl.get(3)).contains("\"row_number_per_file\":3").contains("\"error\"").contains("text is required");
        assertThat(jsonl.get(0)).contains("\"prediction\":").contains("\"labels\"").contains("\"score\"");
    }

    @Test
    void badRowsOverTheThresholdFailTheJob() throws Exception {
        UUID job = invocation();
        Path work = Files.createDirectories(home.resolve("work").resolve(job.toString()));
        assertThatThrownBy(() -> handler.run(spec(0), new RecordingContext(job, work)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("over the error threshold of 0");
        assertThat(new MiniBatches(work).finished()).as("the failing mini-batch is kept").containsExactly(0, 1);
        assertThat(handler.run(spec(1), new RecordingContext(job, work)).badRows()).isEqualTo(1);
    }

    @Test
    void anInvocationAndItsHelperShareTheMiniBatchesAndWriteWhatOneRunnerWrites() throws Exception {
        UUID alone = invocation();
        BatchScoreResult single = handler.run(spec(-1), new RecordingContext(alone,
                Files.createDirectories(home.resolve("work").resolve(alone.toString()))));

        BatchScoreSpec shared = new BatchScoreSpec(Task.TEXT_CLASSIFICATION, UUID.randomUUID(), artifactUri,
                new DatasetRef(UUID.randomUUID(), "reviews.csv", DatasetFormat.CSV), "reviews.csv",
                Map.of("text", "review"), 1, -1, 1, 2, null);
        UUID job = invocation();
        UUID helperJob = UUID.randomUUID();
        RecordingContext helping = new RecordingContext(helperJob,
                Files.createDirectories(home.resolve("work").resolve(helperJob.toString())));
        BatchScoreHelperHandler helper = new BatchScoreHelperHandler(home.resolve("datasets").toString(), leases);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<BatchScoreHelperResult> helped = pool.submit(() ->
                    helper.run(new BatchScoreHelperSpec(job, 1, shared), helping));
            RecordingContext owning = new RecordingContext(job,
                    Files.createDirectories(home.resolve("work").resolve(job.toString())));
            BatchScoreResult result = handler.run(shared, owning);
            BatchScoreHelperResult help = helped.get(2, TimeUnit.MINUTES);

            assertThat(result.miniBatches()).isEqualTo(8);
            assertThat(result.badRows()).isEqualTo(1);
            assertThat(help.invocationJobId()).isEqualTo(job);
            assertThat(helping.logs).anyMatch(l -> l.contains("Helping batch job " + job + " as instance 2 of 2"));
            try (Connection c = TestDatabase.shared().dataSource().getConnection()) {
                assertThat(MiniBatchClaims.finished(c, job)).hasSize(8)
                        .allSatisfy(f -> assertThat(f.claims()).as("claimed once").isEqualTo(1));
            }
            Path outputs = Path.of(URI.create(result.outputUri()));
            Path aloneOutputs = Path.of(URI.create(single.outputUri()));
            for (String file : List.of(BatchScoreResult.CSV, BatchScoreResult.JSONL)) {
                assertThat(Files.readString(outputs.resolve(file))).as(file)
                        .isEqualTo(Files.readString(aloneOutputs.resolve(file)));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHelperOfAnInvocationBeingCancelledScoresNothing() throws Exception {
        UUID job = invocation();
        TestDatabase.shared().executeHere("UPDATE job SET cancel_requested = true WHERE id = '" + job + "'");
        UUID helperJob = UUID.randomUUID();
        RecordingContext helping = new RecordingContext(helperJob,
                Files.createDirectories(home.resolve("work").resolve(helperJob.toString())));
        BatchScoreHelperResult help = new BatchScoreHelperHandler(home.resolve("datasets").toString(), leases)
                .run(new BatchScoreHelperSpec(job, 1, spec(-1)), helping);

        assertThat(help.miniBatches()).isZero();
        assertThat(helping.logs).anyMatch(l -> l.contains("stopped: the batch job has ended or is being cancelled"));
        assertThat(new MiniBatches(home.resolve("work").resolve(job.toString())).finished()).isEmpty();
    }
}
