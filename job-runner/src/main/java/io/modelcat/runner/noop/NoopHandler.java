package io.modelcat.runner.noop;

import io.modelcat.jobs.JobKind;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.execute.JobHandler;
import io.modelcat.runner.execute.TransientJobException;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * A job that only waits, reporting progress: checks that workers take jobs, and measures the queue
 * itself. Parameters: {@code durationMillis} (default 0), {@code failWith} (a message: fail), and
 * {@code transientFailures} (fail transiently on the first N attempts).
 */
@Singleton
public class NoopHandler implements JobHandler {

    private static final int STEPS = 20;

    @Override
    public JobKind kind() {
        return JobKind.NOOP;
    }

    @Override
    public Map<String, Object> run(JobContext context) throws InterruptedException {
        Map<String, Object> params = context.params();
        long duration = ((Number) params.getOrDefault("durationMillis", 0)).longValue();
        int transientFailures = ((Number) params.getOrDefault("transientFailures", 0)).intValue();
        if (context.attempt() <= transientFailures) {
            throw new TransientJobException("transient failure " + context.attempt() + " of " + transientFailures + " (asked for)");
        }
        for (int step = 1; step <= STEPS && duration > 0; step++) {
            context.stopIfCancelled();
            Thread.sleep(duration / STEPS);
            context.progress((double) step / STEPS, Map.of("step", step, "steps", STEPS));
        }
        context.stopIfCancelled();
        Object failWith = params.get("failWith");
        if (failWith != null) {
            throw new IllegalStateException(failWith.toString(), new RuntimeException("the cause, as asked for"));
        }
        return Map.of("waitedMillis", duration);
    }
}
