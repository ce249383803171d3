package io.modelcat.runner.execute;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What a running job sees: its attempt, devices and work folder, and where it reports progress and logs. */
public interface JobContext {

    UUID jobId();

    /** 1 for the first attempt, more after retries and take-overs. */
    int attempt();

    /** GPU indexes given to this job; empty for a CPU job. */
    List<Integer> gpus();

    /** The DJL device the job runs on: its first assigned GPU, or the CPU. */
    default Device device() {
        return gpus().isEmpty() ? Device.cpu() : Device.gpu(gpus().get(0));
    }

    /** A folder of this job's own under the runner's work directory, kept across retries. */
    Path workDirectory();

    /** Records progress: a fraction in [0, 1] and details such as step, epoch, bytes or ETA. */
    void progress(double fraction, Map<String, Object> detail);

    void log(String level, String message, Map<String, Object> fields);

    default void log(String message) {
        log("INFO", message, Map.of());
    }

    /** True once cancellation was asked for; the handler should stop and return soon. */
    boolean cancelled();

    /** Throws {@link JobCancelledException} if cancellation was asked for. */
    default void stopIfCancelled() {
        if (cancelled()) {
            throw new JobCancelledException();
        }
    }
}
