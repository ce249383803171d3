package io.modelcat.ml.arch;

import java.util.List;

/**
 * A LoRA adapter's shape, as {@code peft}'s {@code LoraConfig} gives it: each targeted linear layer
 * {@code y = W x + b} becomes {@code y = W x + b + (alpha / rank) * B (A dropout(x))}, with {@code A} (rank, in)
 * and {@code B} (out, rank) the only weights trained. Their names are the layer's Hugging Face name followed by
 * {@code .lora_A.weight} and {@code .lora_B.weight}, as {@code peft} saves them without its
 * {@code base_model.model.} prefix.
 *
 * @param rank the inner dimension r of A and B
 * @param alpha the scale numerator: the update is multiplied by alpha / rank
 * @param dropout dropout on the layer's input before A, in training only
 * @param targetModules the layers adapted, by the end of their name ({@code q_proj}, {@code c_attn},
 *     {@code self_attn.o_proj}), as {@code peft} matches a list of names: a layer is adapted when its name is one
 *     of them or ends with a dot and one of them
 */
public record LoraSpec(int rank, double alpha, double dropout, List<String> targetModules) {

    public static final String A = ".lora_A.weight";
    public static final String B = ".lora_B.weight";

    public LoraSpec {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be at least 1: " + rank);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("LoRA alpha must be > 0: " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1): " + dropout);
        }
        if (targetModules == null || targetModules.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target module");
        }
        targetModules = List.copyOf(targetModules);
    }

    /** What the update B A x is multiplied by. */
    public double scale() {
        return alpha / rank;
    }

    /** Whether the layer named {@code prefix} (e.g. {@code model.layers.0.self_attn.q_proj}) is adapted. */
    public boolean targets(String prefix) {
        for (String module : targetModules) {
            if (matches(prefix, module)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code module} of a target list names the layer {@code prefix}, as {@code peft} matches them. */
    public static boolean matches(String prefix, String module) {
        return prefix.equals(module) || prefix.endsWith("." + module);
    }

    /**
     * The layers {@code peft} adapts by default (its {@code TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING}):
     * the attention's query and value projections.
     */
    public static List<String> defaultTargets(ArchitectureFamily family) {
        return switch (family) {
            case BERT, ROBERTA -> List.of("query", "value");
            case DISTILBERT -> List.of("q_lin", "v_lin");
            case GPT2 -> List.of("c_attn");
            case LLAMA, MISTRAL, QWEN2, QWEN3 -> List.of("q_proj", "v_proj");
        };
    }
}
