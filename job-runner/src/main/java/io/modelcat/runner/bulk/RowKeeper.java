package io.modelcat.runner.bulk;

import io.modelcat.runner.execute.JobCancelledException;
import io.modelcat.store.Database;
import io.modelcat.store.flow.BulkTests;
import io.modelcat.store.flow.BulkTests.AnswerRow;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a bulk test's answered rows in {@code bulk_test_row}, committed together: one writer thread takes every row
 * handed over since its previous write began and writes them in one transaction (one batched INSERT and one commit
 * for many rows, where a commit per row and thread cost the runner a sixth of its threads' time), and each caller
 * waits until its row is committed. So a row is finished only once it is kept, as it was with a commit per row: a
 * kill -9 of the runner loses no finished row, only those in flight (being called or being written), which the next
 * attempt calls again. No timer is involved: a lone row is written at once; under load rows share commits.
 */
final class RowKeeper implements AutoCloseable {

    private static final int MOST_PER_WRITE = 500;

    /** A row handed over and what its caller waits for. */
    private record Handed(AnswerRow row, CompletableFuture<Void> kept) {
    }

    private final Database db;
    private final UUID bulkTestId;
    private final LinkedBlockingQueue<Handed> waiting = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closing;
    /** Why rows are no longer kept (the writer's failure, or the keeper closed); null while the writer runs. */
    private volatile RuntimeException stopped;

    RowKeeper(Database db, UUID bulkTestId, String threadName) {
        this.db = db;
        this.bulkTestId = bulkTestId;
        this.writer = new Thread(this::write, threadName);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Keeps a row: returns once it is committed; throws what stopped the writer (the database's failure) if it was
     * not. A row handed over after {@link #close} is not kept ({@link JobCancelledException}: it runs again).
     */
    void keep(AnswerRow row) throws InterruptedException {
        Handed handed = new Handed(row, new CompletableFuture<>());
        waiting.add(handed);
        if (stopped != null) {
            // The writer is gone (or going, and has drained the queue already): nobody else will answer this row.
            failWaiting(stopped);
        }
        try {
            handed.kept().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("the row could not be kept: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Writes the rows handed over so far, then stops the writer; rows handed over later are not kept. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        writer.join();
        if (stopped == null) {
            stopped = new JobCancelledException();
        }
        failWaiting(stopped);
    }

    private void write() {
        List<Handed> batch = new ArrayList<>();
        try {
            while (true) {
                Handed first = waiting.poll(20, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, MOST_PER_WRITE - 1);
                List<AnswerRow> rows = batch.stream().map(Handed::row).toList();
                db.write(c -> BulkTests.answer(c, bulkTestId, rows));
                batch.forEach(h -> h.kept().complete(null));
                batch.clear();
            }
        } catch (InterruptedException e) {
            stop(batch, new JobCancelledException());
        } catch (RuntimeException e) {
            stop(batch, e);
        }
    }

    /** The writer stops: its batch and every row waiting fail with {@code failure}, as do rows handed over later. */
    private void stop(List<Handed> batch, RuntimeException failure) {
        stopped = failure;
        batch.forEach(h -> h.kept().completeExceptionally(failure));
        failWaiting(failure);
    }

    private void failWaiting(RuntimeException failure) {
        List<Handed> rest = new ArrayList<>();
        waiting.drainTo(rest);
        rest.forEach(h -> h.kept().completeExceptionally(failure));
    }
}
