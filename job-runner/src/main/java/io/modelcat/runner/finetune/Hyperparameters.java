package io.modelcat.runner.finetune;

import io.modelcat.ml.train.TrainingConfig;
import java.util.Map;

/** A fine-tune's hyperparameters as the catalog validated them (defaults filled in there). */
record Hyperparameters(int epochs, int batchSize, double learningRate, double weightDecay, double warmupRatio,
                       double maxGradNorm, long seed, int maxSequenceLength, Integer earlyStoppingPatience) {

    static Hyperparameters from(Map<String, Object> map) {
        Map<String, Object> h = map == null ? Map.of() : map;
        Object patience = h.get("earlyStoppingPatience");
        return new Hyperparameters(
                number(h, "epochs", 3).intValue(),
                number(h, "batchSize", 16).intValue(),
                number(h, "learningRate", 5e-5).doubleValue(),
                number(h, "weightDecay", 0.01).doubleValue(),
                number(h, "warmupRatio", 0.0).doubleValue(),
                number(h, "maxGradNorm", 1.0).doubleValue(),
                number(h, "seed", 42).longValue(),
                number(h, "maxSequenceLength", 128).intValue(),
                patience == null ? null : ((Number) patience).intValue());
    }

    /** The engine's configuration for {@code epochs} more epochs; the seed moves on so a resumed run reshuffles. */
    TrainingConfig training(int remainingEpochs, int epochsDone, int modelMaxLength) {
        return new TrainingConfig(remainingEpochs, batchSize, learningRate, weightDecay, warmupRatio, maxGradNorm,
                seed + epochsDone, Math.min(maxSequenceLength, modelMaxLength));
    }

    private static Number number(Map<String, Object> h, String key, Number fallback) {
        Object value = h.get(key);
        return value instanceof Number n ? n : fallback;
    }
}
