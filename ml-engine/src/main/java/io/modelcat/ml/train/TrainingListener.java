package io.modelcat.ml.train;

/** Receives training progress, e.g. to persist it for the job's status page. Called on the training thread. */
public interface TrainingListener {

    TrainingListener NONE = progress -> {};

    void onStep(TrainingProgress progress);

    /** After the last step of each epoch, with the mean of that epoch's batch losses. */
    default void onEpochEnd(int epoch, double meanLoss) {}

    /** Asked after every step; returning true ends training there, e.g. when the job was cancelled. */
    default boolean stopRequested() {
        return false;
    }
}
