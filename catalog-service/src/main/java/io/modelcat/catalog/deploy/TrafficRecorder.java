package io.modelcat.catalog.deploy;

import io.micronaut.scheduling.annotation.Scheduled;
import io.modelcat.store.Database;
import io.modelcat.store.deploy.DeploymentTraffic;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what each deployment answered through this catalog service, by minute, and adds the counts to
 * {@code deployment_traffic} every few seconds, where every service's counts sum up
 * ({@link DeploymentTraffic}). Nothing is read from memory: the API reads the table. Counts that could not be written
 * (the database unreachable) are kept for the next flush.
 */
@Singleton
public class TrafficRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(TrafficRecorder.class);
    private static final int BUCKETS = DeploymentTraffic.BUCKET_ENDS_MS.size() + 1;
    private static final int REQUESTS = 0;
    private static final int ERRORS = 1;
    private static final int THROTTLED = 2;
    private static final int MIRRORED = 3;
    private static final int LATENCY = 4;

    /** What happened to one call. */
    public enum Outcome {
        /** Answered (a 2xx, or a 400 the model refused). */
        ANSWERED,
        /** Refused over the concurrency limit (429). */
        THROTTLED,
        /** Failed on the serving side (502, 503, 504). */
        FAILED,
        /** A mirrored copy, whatever its outcome. */
        MIRRORED
    }

    private record Key(UUID deployment, Instant minute) {
    }

    private final Database db;
    private final Map<Key, AtomicLongArray> pending = new ConcurrentHashMap<>();

    public TrafficRecorder(Database db) {
        this.db = db;
    }

    /** Counts one call of a deployment that took {@code millis}. */
    public void record(UUID deployment, Outcome outcome, long millis) {
        AtomicLongArray counts = pending.computeIfAbsent(new Key(deployment, Instant.now().truncatedTo(ChronoUnit.MINUTES)),
                k -> new AtomicLongArray(LATENCY + BUCKETS));
        switch (outcome) {
            case ANSWERED -> counts.incrementAndGet(REQUESTS);
            case THROTTLED -> {
                counts.incrementAndGet(REQUESTS);
                counts.incrementAndGet(THROTTLED);
            }
            case FAILED -> {
                counts.incrementAndGet(REQUESTS);
                counts.incrementAndGet(ERRORS);
            }
            case MIRRORED -> counts.incrementAndGet(MIRRORED);
        }
        if (outcome != Outcome.THROTTLED) {
            counts.incrementAndGet(LATENCY + bucket(millis));
        }
    }

    /** The latency bucket of {@code millis}: the first whose end is at or above it, else the open one. */
    static int bucket(long millis) {
        List<Integer> ends = DeploymentTraffic.BUCKET_ENDS_MS;
        for (int i = 0; i < ends.size(); i++) {
            if (millis <= ends.get(i)) {
                return i;
            }
        }
        return ends.size();
    }

    /**
     * Adds the counts gathered since the last write to the table. Each count is taken and zeroed in one step, so that a
     * call counted while the flush runs is written by this flush or the next, never lost; a minute's counters are
     * dropped once the minute is two minutes past (no call counts into it any more).
     */
    @Scheduled(fixedDelay = "${modelcat.deploy.traffic-flush-interval:5s}", initialDelay = "5s")
    public void flush() {
        Instant past = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(2, ChronoUnit.MINUTES);
        for (Map.Entry<Key, AtomicLongArray> entry : new ArrayList<>(pending.entrySet())) {
            Key key = entry.getKey();
            AtomicLongArray counts = entry.getValue();
            if (!key.minute().isAfter(past)) {
                pending.remove(key);
            }
            long[] latency = new long[BUCKETS];
            // Calls with a latency; a flush may take a call's latency after an earlier one took its request count.
            long timed = 0;
            for (int i = 0; i < BUCKETS; i++) {
                latency[i] = counts.getAndSet(LATENCY + i, 0);
                timed += latency[i];
            }
            DeploymentTraffic.Counts sums = new DeploymentTraffic.Counts(counts.getAndSet(REQUESTS, 0),
                    counts.getAndSet(ERRORS, 0), counts.getAndSet(THROTTLED, 0), counts.getAndSet(MIRRORED, 0), latency);
            if (timed == 0 && sums.requests() == 0 && sums.mirrored() == 0) {
                continue;
            }
            try {
                db.write(c -> {
                    DeploymentTraffic.add(c, key.deployment(), key.minute(), sums);
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.warn("Could not record the traffic of deployment {} (kept for the next try): {}", key.deployment(),
                        e.getMessage());
                restore(key, sums);
            }
        }
    }

    /** Puts counts that could not be written back, to be written with the next flush. */
    private void restore(Key key, DeploymentTraffic.Counts sums) {
        AtomicLongArray counts = pending.computeIfAbsent(key, k -> new AtomicLongArray(LATENCY + BUCKETS));
        counts.addAndGet(REQUESTS, sums.requests());
        counts.addAndGet(ERRORS, sums.errors());
        counts.addAndGet(THROTTLED, sums.throttled());
        counts.addAndGet(MIRRORED, sums.mirrored());
        for (int i = 0; i < BUCKETS; i++) {
            counts.addAndGet(LATENCY + i, sums.latency()[i]);
        }
    }

    @PreDestroy
    void close() {
        flush();
    }
}
