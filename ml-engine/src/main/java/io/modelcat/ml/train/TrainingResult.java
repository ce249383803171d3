package io.modelcat.ml.train;

import java.util.List;

/**
 * The outcome of a fine-tuning run: steps taken, first and last batch loss, the mean loss of each
 * completed epoch, and whether the listener stopped it early.
 */
public record TrainingResult(int steps, double firstLoss, double lastLoss, List<Double> epochMeanLosses,
        double seconds, boolean stoppedEarly) {

    public TrainingResult {
        epochMeanLosses = List.copyOf(epochMeanLosses);
    }
}
