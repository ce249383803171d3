package io.modelcat.runner.batch;

import io.micronaut.context.annotation.Value;
import io.modelcat.runner.worker.WorkerIdentity;
import io.modelcat.store.Database;
import io.modelcat.store.batch.MiniBatchClaims;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This runner's share in batch invocations: a {@link Participation} claims an invocation's mini-batches in
 * PostgreSQL ({@link MiniBatchClaims}), and its leases are renewed every third of the lease while it is open,
 * so that only a runner that died (or hung past its lease) loses its claims to the others.
 */
@Singleton
public class MiniBatchLeases {

    private static final Logger LOG = LoggerFactory.getLogger(MiniBatchLeases.class);

    private final Database db;
    private final String workerId;
    private final Duration lease;
    private final Set<Participation> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService renewals;

    public MiniBatchLeases(Database db, WorkerIdentity worker,
                           @Value("${modelcat.runner.batch-lease:30s}") Duration lease) {
        this.db = db;
        this.workerId = worker.id();
        this.lease = lease;
        this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mini-batch-leases");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, lease.toMillis() / 3);
        renewals.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Joins invocation {@code jobId}, whose rows make {@code count} mini-batches: a participant of its own. */
    Participation join(UUID jobId, int count) {
        db.write(c -> {
            MiniBatchClaims.open(c, jobId, count);
            return null;
        });
        Participation p = new Participation(jobId, UUID.randomUUID());
        open.add(p);
        return p;
    }

    private void renewAll() {
        for (Participation p : open) {
            try {
                db.write(c -> MiniBatchClaims.renew(c, p.jobId, p.claimant, lease));
            } catch (RuntimeException e) {
                LOG.warn("Could not renew the mini-batch leases of job {}: {}", p.jobId, e.getMessage());
            }
        }
    }

    @PreDestroy
    void stop() {
        renewals.shutdownNow();
    }

    /** One participant of one invocation (a run of its job or of a helper): what it claims is leased to it. */
    final class Participation implements AutoCloseable {

        private final UUID jobId;
        private final UUID claimant;

        private Participation(UUID jobId, UUID claimant) {
            this.jobId = jobId;
            this.claimant = claimant;
        }

        /** The next mini-batch for this participant to score; empty when none is free (all done or leased). */
        OptionalInt claimNext() {
            return db.write(c -> MiniBatchClaims.claimNext(c, jobId, claimant, workerId, lease));
        }

        /** Marks a mini-batch this participant scored done; false if its lease ran out and another took it. */
        boolean finish(int miniBatch, int badRows) {
            return db.write(c -> MiniBatchClaims.finish(c, jobId, miniBatch, claimant, badRows));
        }

        /** Marks a mini-batch done whose file is in the work folder already. */
        void found(int miniBatch, int badRows) {
            db.write(c -> MiniBatchClaims.found(c, jobId, miniBatch, badRows));
        }

        MiniBatchClaims.Status status() {
            return db.read(c -> MiniBatchClaims.status(c, jobId));
        }

        /** The done mini-batches' indexes. */
        Set<Integer> done() {
            return db.read(c -> MiniBatchClaims.finished(c, jobId)).stream().map(MiniBatchClaims.Finished::miniBatch)
                    .collect(Collectors.toSet());
        }

        /** How many done mini-batches each runner scored, by runner. */
        Map<String, Long> scoredBy() {
            Map<String, Long> by = new LinkedHashMap<>();
            for (MiniBatchClaims.Finished f : db.read(c -> MiniBatchClaims.finished(c, jobId))) {
                by.merge(f.workerId() == null ? "an earlier version" : f.workerId(), 1L, Long::sum);
            }
            return by;
        }

        /** Stops renewing, and frees what this participant holds unfinished so that others take it at once. */
        @Override
        public void close() {
            open.remove(this);
            try {
                db.write(c -> MiniBatchClaims.release(c, jobId, claimant));
            } catch (RuntimeException e) {
                LOG.warn("Could not release the mini-batches of job {}: {} (their leases run out instead)", jobId,
                        e.getMessage());
            }
        }
    }
}
