package io.modelcat.ml.train;

/**
 * What one optimizer step reports.
 *
 * @param step 1-based optimizer step over the whole run
 * @param totalSteps steps the run will take
 * @param epoch 1-based epoch
 * @param loss the batch's mean training loss
 * @param learningRate the rate this step used
 * @param samplesPerSecond batch size over the step's wall time
 */
public record TrainingProgress(int step, int totalSteps, int epoch, double loss, double learningRate,
        double samplesPerSecond) {}
