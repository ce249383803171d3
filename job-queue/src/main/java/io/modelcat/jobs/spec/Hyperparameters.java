package io.modelcat.jobs.spec;

import io.modelcat.jobs.task.Task;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A fine-tune's training settings, every one filled in. Their defaults, limits and help are the
 * {@link Setting}s below and nowhere else: the catalog resolves requests with them, the runner trains with
 * the resolved values, the UI and docs show them. To add one: a component here, in {@link Input}, a
 * {@code Setting}, a line in {@link #resolve}, and its use in the runner's training configuration.
 */
public record Hyperparameters(int epochs, int batchSize, double learningRate, double weightDecay, double warmupRatio,
                              double maxGradNorm, long seed, int maxSequenceLength, Integer earlyStoppingPatience,
                              Integer loraRank, double loraAlpha, double loraDropout, List<String> loraTargetModules,
                              boolean loraMerge) {

    public static final Setting EPOCHS = Setting.integer("epochs", 3, 1, 100, "passes over the training data");
    public static final Setting BATCH_SIZE = Setting.integer("batchSize", 16, 1, 512, "rows per training step");
    public static final Setting LEARNING_RATE = Setting.number("learningRate", 5e-5, 0, true, 1, false,
            "AdamW learning rate");
    public static final Setting WEIGHT_DECAY = Setting.number("weightDecay", 0.01, 0, false, 1, false,
            "AdamW weight decay (not on biases and LayerNorm weights)");
    public static final Setting WARMUP_RATIO = Setting.number("warmupRatio", 0.0, 0, false, 1, true,
            "share of the steps with a linear warm-up of the learning rate");
    public static final Setting MAX_GRAD_NORM = Setting.number("maxGradNorm", 1.0, 0, true, Double.MAX_VALUE, false,
            "gradients are scaled down together when their global L2 norm exceeds this");
    public static final Setting SEED = Setting.anyInteger("seed", 42,
            "random seed of the splits, the shuffling, dropout and new heads");
    public static final Setting MAX_SEQUENCE_LENGTH = Setting.integer("maxSequenceLength", 128, 8, 4096,
            "tokens per row; longer rows are cut, and no row gets more than the model's positions");
    public static final Setting EARLY_STOPPING_PATIENCE = Setting.integer("earlyStoppingPatience", null, 1, 100,
            "epochs without improvement of the task's early-stopping metric on the validation data before training stops");

    public static final Setting LORA_RANK = Setting.integer("loraRank", null, 1, 256,
            "LoRA: train only a low-rank adapter of this rank on the layers loraTargetModules names (by default the "
                    + "attention's query and value projections), the model's weights frozen (text generation, text "
                    + "classification, token classification and question answering, whose head trains whole; off: "
                    + "every weight trains)");
    public static final Setting LORA_ALPHA = Setting.number("loraAlpha", 16, 0, true, 1024, false,
            "LoRA: the adapter's update is scaled by alpha / rank");
    public static final Setting LORA_DROPOUT = Setting.number("loraDropout", 0.05, 0, false, 1, true,
            "LoRA: dropout on the adapted layers' inputs while training");
    public static final Setting LORA_TARGET_MODULES = Setting.names("loraTargetModules",
            "peft's for the architecture: q_proj and v_proj for Llama, Mistral and Qwen, c_attn for GPT-2",
            "LoRA: the linear layers adapted, by the end of their names as peft's target_modules takes them "
                    + "(e.g. [\"q_proj\", \"k_proj\", \"v_proj\", \"o_proj\"]); each must name a linear layer of the "
                    + "model, or the job fails naming the layers it has");
    public static final Setting LORA_MERGE = Setting.flag("loraMerge", false,
            "LoRA: the job's output is the base model with the trained adapter merged into its weights (W + alpha / "
                    + "rank * B A), a whole model in Hugging Face layout that transformers loads alone, instead of the "
                    + "peft adapter (Azure ML's merge_lora_weights)");

    /**
     * The tasks whose fine-tunes train a LoRA adapter when {@code loraRank} is set: text generation, and the
     * encoder tasks with a head, which trains whole beside the adapter ({@code peft}'s {@code modules_to_save}).
     * Summarization and translation train the whole encoder-decoder.
     */
    public static final Set<Task> LORA_TASKS = EnumSet.of(Task.TEXT_CLASSIFICATION, Task.TOKEN_CLASSIFICATION,
            Task.QUESTION_ANSWERING, Task.TEXT_GENERATION);

    /** Every setting, in the order the UI shows them. */
    public static final List<Setting> SETTINGS = List.of(EPOCHS, BATCH_SIZE, LEARNING_RATE, WEIGHT_DECAY, WARMUP_RATIO,
            MAX_GRAD_NORM, SEED, MAX_SEQUENCE_LENGTH, EARLY_STOPPING_PATIENCE, LORA_RANK, LORA_ALPHA, LORA_DROPOUT,
            LORA_TARGET_MODULES, LORA_MERGE);

    private static final String PREFIX = "hyperparameters.";

    /** The settings as a request sends them: absent ones take their defaults. */
    @Schema(name = "Hyperparameters")
    public record Input(
            @Schema(description = "passes over the training data; a whole number between 1 and 100 (default 3)") Integer epochs,
            @Schema(description = "rows per training step; a whole number between 1 and 512 (default 16)") Integer batchSize,
            @Schema(description = "AdamW learning rate; over 0 and at most 1 (default 0.00005)") Double learningRate,
            @Schema(description = "AdamW weight decay (not on biases and LayerNorm weights); between 0 and 1 (default 0.01)") Double weightDecay,
            @Schema(description = "share of the steps with a linear warm-up of the learning rate; at least 0 and below 1 (default 0)") Double warmupRatio,
            @Schema(description = "gradients are scaled down together when their global L2 norm exceeds this; over 0 (default 1)") Double maxGradNorm,
            @Schema(description = "random seed of the splits, the shuffling, dropout and new heads; any whole number (default 42)") Long seed,
            @Schema(description = "tokens per row; longer rows are cut, and no row gets more than the model's positions; a whole number between 8 and 4096 (default 128)") Integer maxSequenceLength,
            @Schema(description = "epochs without improvement of the task's early-stopping metric on the validation data before training stops; a whole number between 1 and 100 (default off)") Integer earlyStoppingPatience,
            @Schema(description = "LoRA: train only a low-rank adapter of this rank on the layers loraTargetModules names (by default the attention's query and value projections), the model's weights frozen (text generation, text classification, token classification and question answering, whose head trains whole; off: every weight trains); a whole number between 1 and 256 (default off)") Integer loraRank,
            @Schema(description = "LoRA: the adapter's update is scaled by alpha / rank; over 0 and at most 1024 (default 16)") Double loraAlpha,
            @Schema(description = "LoRA: dropout on the adapted layers' inputs while training; at least 0 and below 1 (default 0.05)") Double loraDropout,
            @Schema(description = "LoRA: the linear layers adapted, by the end of their names as peft's target_modules takes them (e.g. [\"q_proj\", \"k_proj\", \"v_proj\", \"o_proj\"]); each must name a linear layer of the model, or the job fails naming the layers it has; a list of 1 to 64 names (default peft's for the architecture: q_proj and v_proj for Llama, Mistral and Qwen, c_attn for GPT-2)") List<String> loraTargetModules,
            @Schema(description = "LoRA: the job's output is the base model with the trained adapter merged into its weights (W + alpha / rank * B A), a whole model in Hugging Face layout that transformers loads alone, instead of the peft adapter (Azure ML's merge_lora_weights); true or false (default false)", type = "boolean") Object loraMerge) {

        static final Input NONE = new Input(null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);

        public Input(Integer epochs, Integer batchSize, Double learningRate, Double weightDecay, Double warmupRatio,
                     Double maxGradNorm, Long seed, Integer maxSequenceLength, Integer earlyStoppingPatience) {
            this(epochs, batchSize, learningRate, weightDecay, warmupRatio, maxGradNorm, seed, maxSequenceLength,
                    earlyStoppingPatience, null, null, null, null, null);
        }

        public Input(Integer epochs, Integer batchSize, Double learningRate, Double weightDecay, Double warmupRatio,
                     Double maxGradNorm, Long seed, Integer maxSequenceLength, Integer earlyStoppingPatience,
                     Integer loraRank, Double loraAlpha, Double loraDropout) {
            this(epochs, batchSize, learningRate, weightDecay, warmupRatio, maxGradNorm, seed, maxSequenceLength,
                    earlyStoppingPatience, loraRank, loraAlpha, loraDropout, null, null);
        }

        public Input(Integer epochs, Integer batchSize, Double learningRate, Double weightDecay, Double warmupRatio,
                     Double maxGradNorm, Long seed, Integer maxSequenceLength, Integer earlyStoppingPatience,
                     Integer loraRank, Double loraAlpha, Double loraDropout, List<String> loraTargetModules) {
            this(epochs, batchSize, learningRate, weightDecay, warmupRatio, maxGradNorm, seed, maxSequenceLength,
                    earlyStoppingPatience, loraRank, loraAlpha, loraDropout, loraTargetModules, null);
        }
    }

    /** Fills in defaults and checks limits, adding one error per bad value, named {@code hyperparameters.<name>}. */
    public static Hyperparameters resolve(Input input, List<SpecError> errors) {
        Input in = input == null ? Input.NONE : input;
        // Resolved in the order of SETTINGS, so that errors come in that order.
        int epochs = EPOCHS.resolve(PREFIX, in.epochs(), errors).intValue();
        int batchSize = BATCH_SIZE.resolve(PREFIX, in.batchSize(), errors).intValue();
        double learningRate = LEARNING_RATE.resolve(PREFIX, in.learningRate(), errors).doubleValue();
        double weightDecay = WEIGHT_DECAY.resolve(PREFIX, in.weightDecay(), errors).doubleValue();
        double warmupRatio = WARMUP_RATIO.resolve(PREFIX, in.warmupRatio(), errors).doubleValue();
        double maxGradNorm = MAX_GRAD_NORM.resolve(PREFIX, in.maxGradNorm(), errors).doubleValue();
        long seed = SEED.resolve(PREFIX, in.seed(), errors).longValue();
        int maxSequenceLength = MAX_SEQUENCE_LENGTH.resolve(PREFIX, in.maxSequenceLength(), errors).intValue();
        Number patience = EARLY_STOPPING_PATIENCE.resolve(PREFIX, in.earlyStoppingPatience(), errors);
        Number loraRank = LORA_RANK.resolve(PREFIX, in.loraRank(), errors);
        double loraAlpha = LORA_ALPHA.resolve(PREFIX, in.loraAlpha(), errors).doubleValue();
        double loraDropout = LORA_DROPOUT.resolve(PREFIX, in.loraDropout(), errors).doubleValue();
        List<String> loraTargetModules = LORA_TARGET_MODULES.resolveNames(PREFIX, in.loraTargetModules(), errors);
        boolean loraMerge = LORA_MERGE.resolveFlag(PREFIX, in.loraMerge(), errors);
        return new Hyperparameters(epochs, batchSize, learningRate, weightDecay, warmupRatio, maxGradNorm, seed,
                maxSequenceLength, patience == null ? null : patience.intValue(),
                loraRank == null ? null : loraRank.intValue(), loraAlpha, loraDropout, loraTargetModules, loraMerge);
    }

    public Hyperparameters {
        loraTargetModules = loraTargetModules == null ? null : List.copyOf(loraTargetModules);
    }

    /** Whether only a LoRA adapter trains ({@link #loraRank} set). */
    public boolean lora() {
        return loraRank != null;
    }

    /** The defaults, all of them. */
    public static Hyperparameters defaults() {
        List<SpecError> errors = new ArrayList<>();
        Hyperparameters defaults = resolve(null, errors);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("a default is out of its own limits: " + errors);
        }
        return defaults;
    }
}
