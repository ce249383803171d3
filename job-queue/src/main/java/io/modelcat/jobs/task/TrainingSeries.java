package io.modelcat.jobs.task;

import java.util.List;

/** What every fine-tune records while it trains, whatever its task: the series of its "train" split. */
public final class TrainingSeries {

    public static final Metric LOSS = Metric.lower("loss", "Training loss", "mean loss of the step's batch");
    public static final Metric EPOCH_LOSS = Metric.lower("epoch_loss", "Epoch loss",
            "mean of an epoch's batch losses");
    public static final Metric LEARNING_RATE = new Metric("learning_rate", Direction.LOWER_IS_BETTER,
            "Learning rate", "the step's learning rate after warm-up and decay (a setting, not a score)");
    public static final Metric SAMPLES_PER_SECOND = Metric.higher("samples_per_second", "Samples per second",
            "training throughput");

    /** All of them. */
    public static final List<Metric> ALL = List.of(LOSS, EPOCH_LOSS, LEARNING_RATE, SAMPLES_PER_SECOND);

    private TrainingSeries() {
    }
}
