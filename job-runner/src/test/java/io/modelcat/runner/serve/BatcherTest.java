package io.modelcat.runner.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.modelcat.jobs.serve.ServeEvent;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Dynamic batching, made deterministic: the first call holds the batcher's thread until the others are
 * queued, so what runs together depends only on the batch size and the calls' settings, not on timing.
 */
class BatcherTest {

    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch release = new CountDownLatch(1);

    /** Answers each input with its text upper-cased; "hold" waits for the release; "bad" fails. */
    private List<JsonNode> work(List<PredictSpec> inputs, Consumer<ServeEvent> events) {
        List<String> texts = inputs.stream().map(i -> i.inputs().get("text")).toList();
        batches.add(texts);
        if (texts.contains("hold")) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (texts.contains("bad")) {
            throw new IllegalArgumentException("the text 'bad' cannot be classified");
        }
        List<JsonNode> answers = texts.stream().map(t -> (JsonNode) new TextNode(t.toUpperCase())).toList();
        if (events != null) {
            for (int i = 0; i < answers.size(); i++) {
                events.accept(ServeEvent.prediction(i, answers.get(i)));
            }
        }
        return answers;
    }

    private static List<PredictSpec> call(String... texts) {
        return List.of(texts).stream().map(t -> new PredictSpec(Task.TEXT_GENERATION, "file:///m", Map.of("text", t),
                null, null)).toList();
    }

    private CompletableFuture<List<JsonNode>> held(Batcher batcher) throws InterruptedException {
        CompletableFuture<List<JsonNode>> first = batcher.submit(call("hold"));
        // Until the held call runs (earlier calls' batches may be there already).
        while (!ran("hold")) {
            Thread.sleep(5);
        }
        return first;
    }

    private boolean ran(String text) {
        synchronized (batches) {
            return batches.stream().anyMatch(batch -> batch.contains(text));
        }
    }

    private static List<String> texts(CompletableFuture<List<JsonNode>> answer) throws Exception {
        return answer.get(30, TimeUnit.SECONDS).stream().map(JsonNode::asText).toList();
    }

    @Test
    void callsWaitingTogetherRunAsOneBatchUpToItsSizeAndEachGetsItsOwnAnswers() throws Exception {
        try (Batcher batcher = new Batcher("test", 4, 0, this::work)) {
            CompletableFuture<List<JsonNode>> first = held(batcher);
            CompletableFuture<List<JsonNode>> a = batcher.submit(call("a1", "a2"));
            CompletableFuture<List<JsonNode>> b = batcher.submit(call("b"));
            CompletableFuture<List<JsonNode>> c = batcher.submit(call("c1", "c2"));
            release.countDown();

            assertThat(texts(first)).containsExactly("HOLD");
            assertThat(texts(a)).containsExactly("A1", "A2");
            assertThat(texts(b)).containsExactly("B");
            assertThat(texts(c)).containsExactly("C1", "C2");
            assertThat(batches).containsExactly(List.of("hold"), List.of("a1", "a2", "b"), List.of("c1", "c2"));
        }
    }

    @Test
    void aChangedBatchSizeMakesTheBatchesAfterIt() throws Exception {
        try (Batcher batcher = new Batcher("test", 1, 0, this::work)) {
            CompletableFuture<List<JsonNode>> first = held(batcher);
            // The deployment's batching is changed while a batch runs (the runner read the new one).
            batcher.batching(3, 0);
            List<CompletableFuture<List<JsonNode>>> calls = List.of(batcher.submit(call("a")), batcher.submit(call("b")),
                    batcher.submit(call("c")));
            release.countDown();
            texts(first);
            for (CompletableFuture<List<JsonNode>> answer : calls) {
                texts(answer);
            }
            assertThat(batches).containsExactly(List.of("hold"), List.of("a", "b", "c"));
        }
    }

    @Test
    void aLoneCallerRunsAtOnceAndCallsThatCameTogetherWaitForEachOther() throws Exception {
        // A delay far longer than the answers are waited for: a call that waited it out would fail the test.
        try (Batcher batcher = new Batcher("test", 2, 600_000, this::work)) {
            assertThat(texts(batcher.submit(call("solo")))).containsExactly("SOLO");
            CompletableFuture<List<JsonNode>> first = held(batcher);
            CompletableFuture<List<JsonNode>> a = batcher.submit(call("a"));
            CompletableFuture<List<JsonNode>> b = batcher.submit(call("b"));
            release.countDown();
            texts(first);
            assertThat(texts(a)).containsExactly("A");
            texts(b);
            // After a batch of two calls, the next call waits for company, which comes.
            CompletableFuture<List<JsonNode>> c = batcher.submit(call("c"));
            Thread.sleep(200);
            assertThat(c).as("the call waits for another to join its batch").isNotDone();
            CompletableFuture<List<JsonNode>> d = batcher.submit(call("d"));
            assertThat(texts(c)).containsExactly("C");
            assertThat(texts(d)).containsExactly("D");
            assertThat(batches).containsExactly(List.of("solo"), List.of("hold"), List.of("a", "b"), List.of("c", "d"));
        }
    }

    @Test
    void aStreamedCallRunsAloneAndItsEventsGoToItsCaller() throws Exception {
        List<ServeEvent> streamed = Collections.synchronizedList(new ArrayList<>());
        try (Batcher batcher = new Batcher("test", 8, 0, this::work)) {
            CompletableFuture<List<JsonNode>> first = held(batcher);
            batcher.submit(call("x"));
            batcher.submit(call("y"));
            CompletableFuture<List<JsonNode>> stream = batcher.submit(call("s"), streamed::add);
            CompletableFuture<List<JsonNode>> last = batcher.submit(call("w"));
            release.countDown();
            texts(first);
            assertThat(texts(stream)).containsExactly("S");
            texts(last);
            assertThat(batches).containsExactly(List.of("hold"), List.of("x", "y"), List.of("s"), List.of("w"));
            assertThat(streamed).singleElement().satisfies(e -> assertThat(e.prediction().asText()).isEqualTo("S"));
        }
    }

    @Test
    void aFaultyCallFailsAloneAndTheOthersOfItsBatchAreAnswered() throws Exception {
        try (Batcher batcher = new Batcher("test", 8, 0, this::work)) {
            CompletableFuture<List<JsonNode>> first = held(batcher);
            CompletableFuture<List<JsonNode>> good = batcher.submit(call("good"));
            CompletableFuture<List<JsonNode>> bad = batcher.submit(call("bad"));
            release.countDown();
            texts(first);
            assertThat(texts(good)).containsExactly("GOOD");
            assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be classified");
            assertThat(batches).containsExactly(List.of("hold"), List.of("good", "bad"), List.of("good"), List.of("bad"));
        }
    }

    @Test
    void closingRunsWhatIsQueuedAndRefusesWhatComesAfter() throws Exception {
        Batcher batcher = new Batcher("test", 8, 0, this::work);
        CompletableFuture<List<JsonNode>> first = held(batcher);
        CompletableFuture<List<JsonNode>> queued = batcher.submit(call("q"));
        Thread closer = new Thread(batcher::close);
        closer.start();
        release.countDown();
        closer.join(30_000);
        assertThat(texts(first)).containsExactly("HOLD");
        assertThat(texts(queued)).containsExactly("Q");
        assertThatThrownBy(() -> batcher.submit(call("late")).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(Batcher.Closed.class);
    }
}
