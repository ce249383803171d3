package io.modelcat.runner.execute;

import io.modelcat.store.job.Claim;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job while this runner executes it: the handler's {@link JobContext}, with throttled progress writes. Its log
 * lines go to the job's log (the API's) and to the runner's own log, under {@code io.modelcat.runner.job}.
 */
final class RunningJob implements JobContext {

    private static final Logger JOB_LOG = LoggerFactory.getLogger("io.modelcat.runner.job");

    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

    private final JobRecords records;
    private final Claim claim;
    private volatile List<Integer> gpus = List.of();
    private final Path workDirectory;
    private volatile boolean cancelRequested;
    private volatile boolean runnerStopping;
    private volatile boolean timedOut;
    private final long startedNanos = System.nanoTime();
    private long lastProgressNanos;

    RunningJob(JobRecords records, Claim claim, Path workDirectory) {
        this.records = records;
        this.claim = claim;
        this.workDirectory = workDirectory;
    }

    @Override
    public UUID jobId() {
        return claim.id();
    }

    @Override
    public int attempt() {
        return claim.attempt();
    }

    @Override
    public List<Integer> gpus() {
        return gpus;
    }

    @Override
    public Path workDirectory() {
        return workDirectory;
    }

    @Override
    public synchronized void progress(double fraction, Map<String, Object> detail) {
        long now = System.nanoTime();
        if (fraction < 1 && now - lastProgressNanos < PROGRESS_INTERVAL_NANOS) {
            return;
        }
        lastProgressNanos = now;
        records.progress(claim.id(), fraction, detail);
    }

    @Override
    public void log(String level, String message, Map<String, Object> fields) {
        records.log(claim.id(), level, message, fields);
        switch (level) {
            case "ERROR" -> JOB_LOG.error("{}{}", message, fields.isEmpty() ? "" : " " + fields);
            case "WARN" -> JOB_LOG.warn("{}{}", message, fields.isEmpty() ? "" : " " + fields);
            case "DEBUG" -> JOB_LOG.debug("{}{}", message, fields.isEmpty() ? "" : " " + fields);
            default -> JOB_LOG.info("{}{}", message, fields.isEmpty() ? "" : " " + fields);
        }
    }

    @Override
    public boolean cancelled() {
        return cancelRequested || runnerStopping || timedOut;
    }

    void stopIfOverTimeLimit() {
        if (claim.timeLimit() != null && System.nanoTime() - startedNanos > claim.timeLimit().toNanos()) {
            timedOut = true;
        }
    }

    boolean isTimedOut() {
        return timedOut && !cancelRequested;
    }

    void assignGpus(List<Integer> assigned) {
        gpus = List.copyOf(assigned);
    }

    void requestCancel() {
        cancelRequested = true;
    }

    void runnerStopping() {
        runnerStopping = true;
    }

    boolean isCancelRequested() {
        return cancelRequested;
    }

    boolean isRunnerStopping() {
        return runnerStopping && !cancelRequested && !timedOut;
    }

    Claim claim() {
        return claim;
    }
}
