package io.modelcat.ml.bench;

import io.modelcat.ml.train.TrainingListener;
import io.modelcat.ml.train.TrainingProgress;
import java.util.ArrayList;
import java.util.List;

/**
 * When each training step ended and its loss, for the benchmarks that time {@code FineTuner}: it reads the loss
 * back to the host every step, so a GPU has finished the step when it is told.
 */
final class StepTimes implements TrainingListener {

    private final long started = System.nanoTime();
    private final List<Long> ends = new ArrayList<>();
    private final List<Double> losses = new ArrayList<>();

    @Override
    public void onStep(TrainingProgress progress) {
        ends.add(System.nanoTime());
        losses.add(progress.loss());
    }

    /** Seconds from the end of the first {@code warmup} steps (from the start when there are none) to the last. */
    double secondsAfter(int warmup) {
        long from = warmup == 0 ? started : ends.get(warmup - 1);
        return (ends.get(ends.size() - 1) - from) / 1e9;
    }

    double firstLoss() {
        return losses.get(0);
    }

    double lastLoss() {
        return losses.get(losses.size() - 1);
    }
}
