package io.modelcat.runner.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.jobs.serve.ServeEvent;
import io.modelcat.jobs.spec.PredictSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic batching of one deployment instance: calls that arrive together run as one batch of inputs, up to
 * {@code maxBatchSize} inputs, the first call waiting at most {@code maxBatchDelayMs} for others to join (each
 * input keeps its own settings: candidates, generation, seed). A call that finds nobody waiting, when the last
 * batch was a single call (or there was none: one caller at a time), runs at once: waiting for company that has
 * not been coming would only add the delay to its latency. Once calls come together again (one finds another
 * queued), their batches wait for each other as above. A streamed call, whose events go to its caller
 * as they are made, runs alone. One thread per instance runs the calls, so the model is never used by two at
 * once. When a batch fails because of one call's inputs, each of its calls runs alone, so that only the faulty
 * call fails.
 */
final class Batcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    /**
     * Runs inputs, answering one prediction per input; {@code events}, when not null (a streamed call, run
     * alone), is told each input's new text as it is generated and then its prediction.
     */
    interface Work {
        List<JsonNode> run(List<PredictSpec> inputs, Consumer<ServeEvent> events);
    }

    /** The batcher was closed before it ran the call: the instance is being unloaded. */
    static final class Closed extends RuntimeException {
        Closed() {
            super("the instance is being unloaded");
        }
    }

    private record Call(List<PredictSpec> inputs, Consumer<ServeEvent> events,
                        CompletableFuture<List<JsonNode>> answer) {
    }

    // Changed while it runs when the deployment's batching is changed (read once per batch).
    private volatile int maxBatchSize;
    private volatile long maxBatchDelayNanos;
    private final Work work;
    private final Runnable setUp;
    private final BlockingQueue<Call> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean open = true;
    private Call carried;
    // Whether the last batch held more than one call: then the next first call waits for company.
    private boolean company;

    Batcher(String name, int maxBatchSize, int maxBatchDelayMs, Work work) {
        this(name, maxBatchSize, maxBatchDelayMs, work, () -> { });
    }

    /** A batcher whose thread runs {@code setUp} before its first call (its engine threads, say). */
    Batcher(String name, int maxBatchSize, int maxBatchDelayMs, Work work, Runnable setUp) {
        batching(maxBatchSize, maxBatchDelayMs);
        this.work = work;
        this.setUp = setUp;
        this.thread = new Thread(this::loop, "batcher-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Sets the batch size and delay that the next batches are made with. */
    void batching(int maxBatchSize, int maxBatchDelayMs) {
        this.maxBatchSize = maxBatchSize;
        this.maxBatchDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxBatchDelayMs);
    }

    /** Queues a call; its answer completes when its batch has run. */
    CompletableFuture<List<JsonNode>> submit(List<PredictSpec> inputs) {
        return submit(inputs, null);
    }

    /** Queues a streamed call, which runs alone and tells {@code events} what it makes as it makes it. */
    CompletableFuture<List<JsonNode>> submit(List<PredictSpec> inputs, Consumer<ServeEvent> events) {
        CompletableFuture<List<JsonNode>> answer = new CompletableFuture<>();
        if (!open) {
            answer.completeExceptionally(new Closed());
            return answer;
        }
        queue.add(new Call(List.copyOf(inputs), events, answer));
        return answer;
    }

    private void loop() {
        try {
            setUp.run();
        } catch (RuntimeException e) {
            LOG.warn("The thread of batcher {} was not set up ({}); it runs calls as set up by default",
                    Thread.currentThread().getName(), e.getMessage());
        }
        while (open || carried != null || !queue.isEmpty()) {
            List<Call> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                break;
            }
            if (!batch.isEmpty()) {
                run(batch);
            }
        }
        Call left;
        while ((left = queue.poll()) != null) {
            left.answer().completeExceptionally(new Closed());
        }
    }

    /** The first waiting call and those that join it within the delay, up to the batch size. */
    private List<Call> nextBatch() throws InterruptedException {
        Call first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
        carried = null;
        List<Call> batch = new ArrayList<>();
        if (first == null) {
            return batch;
        }
        batch.add(first);
        int inputs = first.inputs().size();
        int size = maxBatchSize;
        long deadline = company || !queue.isEmpty() ? System.nanoTime() + maxBatchDelayNanos : System.nanoTime();
        while (first.events() == null && inputs < size) {
            long left = deadline - System.nanoTime();
            Call next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            if (next.events() != null || inputs + next.inputs().size() > size) {
                carried = next;
                break;
            }
            batch.add(next);
            inputs += next.inputs().size();
        }
        company = batch.size() > 1;
        return batch;
    }

    private void run(List<Call> batch) {
        List<PredictSpec> inputs = new ArrayList<>();
        batch.forEach(call -> inputs.addAll(call.inputs()));
        try {
            List<JsonNode> predictions = work.run(inputs, batch.get(0).events());
            int at = 0;
            for (Call call : batch) {
                int n = call.inputs().size();
                call.answer().complete(predictions.subList(at, at + n));
                at += n;
            }
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).answer().completeExceptionally(e);
                return;
            }
            LOG.debug("A batch of {} calls failed ({}); running them one by one", batch.size(), e.getMessage());
            for (Call call : batch) {
                try {
                    call.answer().complete(work.run(call.inputs(), null));
                } catch (RuntimeException alone) {
                    call.answer().completeExceptionally(alone);
                }
            }
        }
    }

    /** Stops taking calls, runs those already queued, and waits for the last batch to end. */
    @Override
    public void close() {
        open = false;
        try {
            thread.join(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
