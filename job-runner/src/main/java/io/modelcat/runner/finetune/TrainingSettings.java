package io.modelcat.runner.finetune;

import io.modelcat.jobs.spec.Hyperparameters;
import io.modelcat.ml.train.TrainingConfig;

/** The engine's training configuration for a fine-tune's hyperparameters. */
final class TrainingSettings {

    private TrainingSettings() {
    }

    /**
     * For the epochs still to run; the seed moves on with the epochs done, so a resumed run reshuffles, and
     * the length is capped at the model's positions.
     */
    static TrainingConfig of(Hyperparameters h, int epochsDone, int modelMaxLength) {
        return new TrainingConfig(h.epochs() - epochsDone, h.batchSize(), h.learningRate(), h.weightDecay(),
                h.warmupRatio(), h.maxGradNorm(), h.seed() + epochsDone, Math.min(h.maxSequenceLength(), modelMaxLength));
    }
}
