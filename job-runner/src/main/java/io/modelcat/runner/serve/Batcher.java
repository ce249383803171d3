package io.modelcat.runner.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.jobs.serve.ServeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic batching of one deployment instance: calls that arrive together run as one batch of inputs, up to
 * {@code maxBatchSize} inputs, the first call waiting at most {@code maxBatchDelayMs} for others to join. Only
 * calls asking for the same settings (fill-mask candidates, generation) share a batch. One thread per instance
 * runs the batches, so the model is never used by two at once. When a batch fails because of one call's
 * inputs, each of its calls runs alone, so that only the faulty call fails.
 */
final class Batcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    /** Runs the inputs of a batch, all with the same settings, answering one prediction per input. */
    interface Work {
        List<JsonNode> run(List<Map<String, String>> inputs, ServeRequest settings);
    }

    /** The batcher was closed before it ran the call: the instance is being unloaded. */
    static final class Closed extends RuntimeException {
        Closed() {
            super("the instance is being unloaded");
        }
    }

    private record Call(ServeRequest request, CompletableFuture<List<JsonNode>> answer) {
    }

    private final int maxBatchSize;
    private final long maxBatchDelayNanos;
    private final Work work;
    private final BlockingQueue<Call> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean open = true;
    private Call carried;

    Batcher(String name, int maxBatchSize, int maxBatchDelayMs, Work work) {
        this.maxBatchSize = maxBatchSize;
        this.maxBatchDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxBatchDelayMs);
        this.work = work;
        this.thread = new Thread(this::loop, "batcher-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a call; its answer completes when its batch has run. */
    CompletableFuture<List<JsonNode>> submit(ServeRequest request) {
        CompletableFuture<List<JsonNode>> answer = new CompletableFuture<>();
        if (!open) {
            answer.completeExceptionally(new Closed());
            return answer;
        }
        queue.add(new Call(request, answer));
        return answer;
    }

    private void loop() {
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
        int inputs = first.request().inputs().size();
        long deadline = System.nanoTime() + maxBatchDelayNanos;
        while (inputs < maxBatchSize) {
            long left = deadline - System.nanoTime();
            Call next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            if (!sameSettings(first.request(), next.request()) || inputs + next.request().inputs().size() > maxBatchSize) {
                carried = next;
                break;
            }
            batch.add(next);
            inputs += next.request().inputs().size();
        }
        return batch;
    }

    private static boolean sameSettings(ServeRequest a, ServeRequest b) {
        return Objects.equals(a.candidates(), b.candidates()) && Objects.equals(a.generation(), b.generation());
    }

    private void run(List<Call> batch) {
        List<Map<String, String>> inputs = new ArrayList<>();
        batch.forEach(call -> inputs.addAll(call.request().inputs()));
        try {
            List<JsonNode> predictions = work.run(inputs, batch.get(0).request());
            int at = 0;
            for (Call call : batch) {
                int n = call.request().inputs().size();
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
                    call.answer().complete(work.run(call.request().inputs(), call.request()));
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
