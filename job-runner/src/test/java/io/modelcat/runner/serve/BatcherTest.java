package io.modelcat.runner.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.jobs.spec.PredictSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Dynamic batching, made deterministic: the first call holds the batcher's thread until the others are
 * queued, so what runs together depends only on the batch size and the calls' settings, not on timing.
 */
class BatcherTest {

    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch release = new CountDownLatch(1);

    /** Answers each input with its text upper-cased; "hold" waits for the release; "bad" fails. */
    private List<JsonNode> work(List<Map<String, String>> inputs, ServeRequest settings) {
        List<String> texts = inputs.stream().map(i -> i.get("text")).toList();
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
        return texts.stream().map(t -> (JsonNode) new TextNode(t.toUpperCase())).toList();
    }

    private static ServeRequest call(String... texts) {
        return call(null, texts);
    }

    private static ServeRequest call(PredictSpec.Generation generation, String... texts) {
        return new ServeRequest(List.of(texts).stream().map(t -> Map.of("text", t)).toList(), null, generation);
    }

    private CompletableFuture<List<JsonNode>> held(Batcher batcher) throws InterruptedException {
        CompletableFuture<List<JsonNode>> first = batcher.submit(call("hold"));
        while (batches.isEmpty()) {
            Thread.sleep(5);
        }
        return first;
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
    void onlyCallsWithTheSameSettingsShareABatch() throws Exception {
        PredictSpec.Generation shortOne = new PredictSpec.Generation(5, null, null, null, null);
        try (Batcher batcher = new Batcher("test", 8, 0, this::work)) {
            CompletableFuture<List<JsonNode>> first = held(batcher);
            batcher.submit(call("x"));
            batcher.submit(call("y"));
            batcher.submit(call(shortOne, "z"));
            CompletableFuture<List<JsonNode>> last = batcher.submit(call("w"));
            release.countDown();
            texts(first);
            texts(last);
            assertThat(batches).containsExactly(List.of("hold"), List.of("x", "y"), List.of("z"), List.of("w"));
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
