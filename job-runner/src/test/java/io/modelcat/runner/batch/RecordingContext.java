package io.modelcat.runner.batch;

import io.modelcat.runner.execute.JobContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** A job context that records progress and logs, and asks to stop once {@code stopWhen} holds for a progress report. */
final class RecordingContext implements JobContext {

    final List<Map<String, Object>> progress = new ArrayList<>();
    final List<String> logs = new ArrayList<>();
    private final UUID jobId;
    private final Path work;
    private final Predicate<Map<String, Object>> stopWhen;
    private boolean stop;

    RecordingContext(UUID jobId, Path work, Predicate<Map<String, Object>> stopWhen) {
        this.jobId = jobId;
        this.work = work;
        this.stopWhen = stopWhen;
    }

    RecordingContext(UUID jobId, Path work) {
        this(jobId, work, detail -> false);
    }

    @Override
    public UUID jobId() {
        return jobId;
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public List<Integer> gpus() {
        return List.of();
    }

    @Override
    public Path workDirectory() {
        return work;
    }

    @Override
    public void progress(double fraction, Map<String, Object> detail) {
        progress.add(detail);
        stop |= stopWhen.test(detail);
    }

    @Override
    public void log(String level, String message, Map<String, Object> fields) {
        logs.add(level + " " + message);
    }

    @Override
    public boolean cancelled() {
        return stop;
    }
}
