package io.modelcat.runner.noop;

import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.NoopResult;
import io.modelcat.jobs.spec.NoopSpec;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.execute.JobHandler;
import io.modelcat.runner.execute.TransientJobException;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * A job that only waits, reporting progress: checks that workers take jobs, and measures the queue
 * itself. It can be asked to fail, or to fail transiently on its first attempts ({@link NoopSpec}).
 */
@Singleton
public class NoopHandler implements JobHandler<NoopSpec> {

    private static final int STEPS = 20;

    @Override
    public JobKind kind() {
        return JobKind.NOOP;
    }

    @Override
    public Class<NoopSpec> specType() {
        return NoopSpec.class;
    }

    @Override
    public NoopResult run(NoopSpec spec, JobContext context) throws InterruptedException {
        long duration = spec.durationMillis();
        if (context.attempt() <= spec.transientFailures()) {
            throw new TransientJobException("transient failure " + context.attempt() + " of "
                    + spec.transientFailures() + " (asked for)");
        }
        for (int step = 1; step <= STEPS && duration > 0; step++) {
            context.stopIfCancelled();
            Thread.sleep(duration / STEPS);
            context.progress((double) step / STEPS, Map.of("step", step, "steps", STEPS));
        }
        context.stopIfCancelled();
        if (spec.failWith() != null) {
            throw new IllegalStateException(spec.failWith(), new RuntimeException("the cause, as asked for"));
        }
        return new NoopResult(duration);
    }
}
