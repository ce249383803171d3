package io.modelcat.catalog.finetune;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.problem.FieldError;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The training settings of a fine-tune job, every one filled in (limits and defaults in docs/ml-jobs.md). */
public record Hyperparameters(int epochs, int batchSize, double learningRate, double weightDecay, double warmupRatio,
                              double maxGradNorm, long seed, int maxSequenceLength, Integer earlyStoppingPatience) {

    static final int DEFAULT_EPOCHS = 3;
    static final int DEFAULT_BATCH_SIZE = 16;
    static final double DEFAULT_LEARNING_RATE = 5e-5;
    static final double DEFAULT_WEIGHT_DECAY = 0.01;
    static final double DEFAULT_WARMUP_RATIO = 0.0;
    static final double DEFAULT_MAX_GRAD_NORM = 1.0;
    static final long DEFAULT_SEED = 42;
    static final int DEFAULT_MAX_SEQUENCE_LENGTH = 128;

    /** The settings as sent: absent ones take their defaults. */
    @Serdeable
    @Schema(name = "Hyperparameters")
    public record Input(
            @Nullable @Schema(description = "passes over the training data, 1 to 100 (default 3)") Integer epochs,
            @Nullable @Schema(description = "rows per step, 1 to 512 (default 16)") Integer batchSize,
            @Nullable @Schema(description = "AdamW learning rate, over 0 up to 1 (default 5e-5)") Double learningRate,
            @Nullable @Schema(description = "AdamW weight decay, 0 to 1 (default 0.01)") Double weightDecay,
            @Nullable @Schema(description = "share of steps with a linear warm-up, 0 up to (not including) 1 (default 0)") Double warmupRatio,
            @Nullable @Schema(description = "gradient norm clipping, over 0 (default 1.0)") Double maxGradNorm,
            @Nullable @Schema(description = "random seed (default 42)") Long seed,
            @Nullable @Schema(description = "tokens per row, 8 to 4096 (default 128)") Integer maxSequenceLength,
            @Nullable @Schema(description = "epochs without improvement on the validation data before training stops, 1 to 100 (default: off)") Integer earlyStoppingPatience) {
    }

    /** Fills in defaults and checks limits, adding one error per bad value named {@code hyperparameters.<name>}. */
    static Hyperparameters resolve(Input input, List<FieldError> errors) {
        Input in = input == null ? new Input(null, null, null, null, null, null, null, null, null) : input;
        int epochs = intIn("epochs", in.epochs(), DEFAULT_EPOCHS, 1, 100, errors);
        int batchSize = intIn("batchSize", in.batchSize(), DEFAULT_BATCH_SIZE, 1, 512, errors);
        double learningRate = or(in.learningRate(), DEFAULT_LEARNING_RATE);
        if (!(learningRate > 0 && learningRate <= 1)) {
            errors.add(error("learningRate", "must be over 0 and at most 1, got " + learningRate));
        }
        double weightDecay = or(in.weightDecay(), DEFAULT_WEIGHT_DECAY);
        if (!(weightDecay >= 0 && weightDecay <= 1)) {
            errors.add(error("weightDecay", "must be between 0 and 1, got " + weightDecay));
        }
        double warmupRatio = or(in.warmupRatio(), DEFAULT_WARMUP_RATIO);
        if (!(warmupRatio >= 0 && warmupRatio < 1)) {
            errors.add(error("warmupRatio", "must be at least 0 and below 1, got " + warmupRatio));
        }
        double maxGradNorm = or(in.maxGradNorm(), DEFAULT_MAX_GRAD_NORM);
        if (!(maxGradNorm > 0) || Double.isInfinite(maxGradNorm)) {
            errors.add(error("maxGradNorm", "must be a number over 0, got " + maxGradNorm));
        }
        long seed = in.seed() == null ? DEFAULT_SEED : in.seed();
        int maxSequenceLength = intIn("maxSequenceLength", in.maxSequenceLength(), DEFAULT_MAX_SEQUENCE_LENGTH, 8, 4096, errors);
        Integer patience = in.earlyStoppingPatience();
        if (patience != null && (patience < 1 || patience > 100)) {
            errors.add(error("earlyStoppingPatience", "must be between 1 and 100 (or absent for no early stopping), got " + patience));
        }
        return new Hyperparameters(epochs, batchSize, learningRate, weightDecay, warmupRatio, maxGradNorm, seed,
                maxSequenceLength, patience);
    }

    /** As job params and lineage carry them; {@code earlyStoppingPatience} is null when off. */
    public Map<String, Object> toParams() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("epochs", epochs);
        params.put("batchSize", batchSize);
        params.put("learningRate", learningRate);
        params.put("weightDecay", weightDecay);
        params.put("warmupRatio", warmupRatio);
        params.put("maxGradNorm", maxGradNorm);
        params.put("seed", seed);
        params.put("maxSequenceLength", maxSequenceLength);
        params.put("earlyStoppingPatience", earlyStoppingPatience);
        return params;
    }

    private static int intIn(String name, Integer value, int fallback, int min, int max, List<FieldError> errors) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            errors.add(error(name, "must be between " + min + " and " + max + ", got " + v));
        }
        return v;
    }

    private static double or(Double value, double fallback) {
        return value == null ? fallback : value;
    }

    private static FieldError error(String name, String message) {
        return new FieldError("hyperparameters." + name, message);
    }
}
