package io.modelcat.catalog.job;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micronaut.context.annotation.Value;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.JobState;
import io.modelcat.store.Database;
import io.modelcat.store.job.ActiveJobCounts;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauges {@code modelcat_jobs_queued} and {@code modelcat_jobs_running} by kind and device, read from the job
 * table: one grouped query per scrape at most every {@code modelcat.metrics.job-gauges-ttl}, however many series
 * and scrapers there are. While the database is unreachable they read NaN (no value) rather than stale counts.
 */
@Singleton
public class JobGauges implements MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(JobGauges.class);
    private static final List<String> DEVICES = List.of(DeviceRequest.CPU, DeviceRequest.GPU);
    private static final List<JobState> STATES = List.of(JobState.QUEUED, JobState.RUNNING);

    private record Key(String kind, String device, JobState state) {
    }

    private record Snapshot(Map<Key, Long> counts, long readAtNanos) {
    }

    /** Looked up at the first scrape: the pool behind it reports to the registries these gauges are bound to. */
    private final Provider<Database> db;
    private final long ttlNanos;
    private Snapshot snapshot;

    public JobGauges(Provider<Database> db, @Value("${modelcat.metrics.job-gauges-ttl:5s}") Duration ttl) {
        this.db = db;
        this.ttlNanos = ttl.toNanos();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (JobKind kind : JobKind.values()) {
            for (String device : DEVICES) {
                for (JobState state : STATES) {
                    Key key = new Key(kind.wireName(), device, state);
                    Gauge.builder("modelcat.jobs." + state.wireName(), this, g -> g.count(key))
                            .description("Jobs " + state.wireName() + " now, by kind and device (all runners)")
                            .tags("kind", kind.wireName(), "device", device)
                            .register(registry);
                }
            }
        }
    }

    private double count(Key key) {
        Snapshot current = current();
        return current == null ? Double.NaN : current.counts().getOrDefault(key, 0L);
    }

    private synchronized Snapshot current() {
        long now = System.nanoTime();
        if (snapshot != null && now - snapshot.readAtNanos() < ttlNanos) {
            return snapshot;
        }
        try {
            Map<Key, Long> counts = new HashMap<>();
            for (ActiveJobCounts.Count c : db.get().read(ActiveJobCounts::read)) {
                counts.put(new Key(c.kind(), c.device(), c.state()), c.jobs());
            }
            snapshot = new Snapshot(counts, now);
        } catch (RuntimeException e) {
            LOG.debug("Job gauges not read: {}", e.getMessage());
            // Try again at the next scrape after the TTL, without a stale count meanwhile.
            snapshot = new Snapshot(null, now);
        }
        return snapshot.counts() == null ? null : snapshot;
    }
}
