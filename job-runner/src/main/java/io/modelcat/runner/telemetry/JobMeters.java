package io.modelcat.runner.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modelcat.jobs.JobKind;
import io.modelcat.store.job.Claim;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This runner's job meters: how long jobs waited from submission to start and how long they ran, retries,
 * bytes imported, and each running fine-tune's throughput and loss (series that go when the job ends).
 */
@Singleton
public class JobMeters {

    /** Buckets of the wait from submission to start: seconds to an hour. */
    private static final Duration[] WAIT_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600);
    /** Buckets of a job's run: a second to a day. */
    private static final Duration[] RUN_BUCKETS = seconds(1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400);

    private final MeterRegistry registry;
    private final Counter importedBytes;
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Map<UUID, Training> training = new ConcurrentHashMap<>();

    /** The last values a fine-tune reported, and the gauges that show them. */
    private static final class Training {
        private volatile double samplesPerSecond = Double.NaN;
        private volatile double loss = Double.NaN;
        private List<Meter> gauges = List.of();
    }

    public JobMeters(MeterRegistry registry) {
        this.registry = registry;
        this.importedBytes = Counter.builder("modelcat.import.bytes")
                .description("Bytes of model files imports downloaded from the Hub (its rate is the download rate)")
                .baseUnit("bytes")
                .register(registry);
        for (JobKind kind : JobKind.values()) {
            // Present from the start, at 0, so that a rate over them is defined before the first retry.
            retries.put(kind.wireName(), Counter.builder("modelcat.job.retries")
                    .description("Attempts of jobs that failed transiently and were queued again to be retried")
                    .tag("kind", kind.wireName())
                    .register(registry));
        }
    }

    /** A job was claimed: its first attempt's wait from submission to start goes into the wait histogram. */
    public void started(Claim claim) {
        if (claim.attempt() == 1) {
            Timer.builder("modelcat.job.queue.wait")
                    .description("Time from a job's submission to the start of its first attempt")
                    .tags("kind", claim.kind(), "device", claim.device().kind())
                    .serviceLevelObjectives(WAIT_BUCKETS)
                    .register(registry)
                    .record(claim.sinceSubmitted());
        }
    }

    /**
     * An attempt ended after {@code ran}; {@code outcome} is succeeded, failed, cancelled, timed_out, retried
     * (a transient failure, queued again) or handed_back (the runner stopped).
     */
    public void ended(Claim claim, String outcome, Duration ran) {
        Timer.builder("modelcat.job.run.duration")
                .description("Time a job's attempt ran on this runner, by how it ended")
                .tags("kind", claim.kind(), "device", claim.device().kind(), "outcome", outcome)
                .serviceLevelObjectives(RUN_BUCKETS)
                .register(registry)
                .record(ran);
        Training gone = training.remove(claim.id());
        if (gone != null) {
            gone.gauges.forEach(registry::remove);
        }
    }

    /** A transient failure was queued again to be retried. */
    public void retried(Claim claim) {
        retries.computeIfAbsent(claim.kind(), kind -> Counter.builder("modelcat.job.retries")
                .tag("kind", kind).register(registry)).increment();
    }

    /** An import downloaded {@code bytes} more. */
    public void downloaded(long bytes) {
        if (bytes > 0) {
            importedBytes.increment(bytes);
        }
    }

    /** A running fine-tune's latest step: its throughput and training loss. */
    public void training(UUID jobId, double samplesPerSecond, double loss) {
        Training t = training.computeIfAbsent(jobId, id -> {
            Training created = new Training();
            created.gauges = List.of(
                    Gauge.builder("modelcat.training.samples.per.second", created, c -> c.samplesPerSecond)
                            .description("Training examples per second of a running fine-tune, at its latest step")
                            .tag("job_id", id.toString()).register(registry),
                    Gauge.builder("modelcat.training.loss", created, c -> c.loss)
                            .description("Training loss of a running fine-tune at its latest step")
                            .tag("job_id", id.toString()).register(registry));
            return created;
        });
        t.samplesPerSecond = samplesPerSecond;
        t.loss = loss;
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return durations;
    }
}
