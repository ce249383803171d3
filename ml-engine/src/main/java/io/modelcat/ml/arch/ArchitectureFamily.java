package io.modelcat.ml.arch;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The transformer families this engine can run, with the state-dict prefix of their base model. */
public enum ArchitectureFamily {
    BERT("bert", "Bert", EnumSet.of(HeadType.SEQUENCE_CLASSIFICATION, HeadType.TOKEN_CLASSIFICATION,
            HeadType.MASKED_LM, HeadType.QUESTION_ANSWERING)),
    ROBERTA("roberta", "Roberta", EnumSet.of(HeadType.SEQUENCE_CLASSIFICATION, HeadType.TOKEN_CLASSIFICATION,
            HeadType.MASKED_LM, HeadType.QUESTION_ANSWERING)),
    DISTILBERT("distilbert", "DistilBert", EnumSet.of(HeadType.SEQUENCE_CLASSIFICATION,
            HeadType.TOKEN_CLASSIFICATION, HeadType.MASKED_LM, HeadType.QUESTION_ANSWERING)),
    GPT2("transformer", "GPT2", EnumSet.of(HeadType.CAUSAL_LM, HeadType.QUESTION_ANSWERING)),
    /** Llama 1 to 3 (with Llama 3.1's rope scaling), and what is built as Llama: SmolLM2, TinyLlama. */
    LLAMA("model", "Llama", EnumSet.of(HeadType.CAUSAL_LM)),
    MISTRAL("model", "Mistral", EnumSet.of(HeadType.CAUSAL_LM)),
    /** Qwen2 and Qwen2.5. */
    QWEN2("model", "Qwen2", EnumSet.of(HeadType.CAUSAL_LM)),
    QWEN3("model", "Qwen3", EnumSet.of(HeadType.CAUSAL_LM));

    private final String basePrefix;
    private final String classPrefix;
    private final Set<HeadType> heads;

    ArchitectureFamily(String basePrefix, String classPrefix, Set<HeadType> heads) {
        this.basePrefix = basePrefix;
        this.classPrefix = classPrefix;
        this.heads = heads;
    }

    /** The task heads the engine puts on this family. */
    public Set<HeadType> heads() {
        return Set.copyOf(heads);
    }

    /** The first segment of every base-model key in a task checkpoint, e.g. {@code bert}. */
    public String basePrefix() {
        return basePrefix;
    }

    /** The {@code transformers} class name for this family and task, written to {@code architectures}. */
    public String transformersClass(HeadType task) {
        return switch (task) {
            case SEQUENCE_CLASSIFICATION -> classPrefix + "ForSequenceClassification";
            case TOKEN_CLASSIFICATION -> classPrefix + "ForTokenClassification";
            case CAUSAL_LM -> this == GPT2 ? "GPT2LMHeadModel" : classPrefix + "ForCausalLM";
            case MASKED_LM -> classPrefix + "ForMaskedLM";
            case QUESTION_ANSWERING -> classPrefix + "ForQuestionAnswering";
        };
    }

    /** The family of a {@code config.json}'s {@code model_type}, if the engine runs it. */
    public static java.util.Optional<ArchitectureFamily> ofModelType(String modelType) {
        try {
            return java.util.Optional.of(fromModelType(modelType));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    public static ArchitectureFamily fromModelType(String modelType) {
        return switch (modelType.toLowerCase(Locale.ROOT)) {
            case "bert" -> BERT;
            case "roberta" -> ROBERTA;
            case "distilbert" -> DISTILBERT;
            case "gpt2" -> GPT2;
            case "llama" -> LLAMA;
            case "mistral" -> MISTRAL;
            case "qwen2" -> QWEN2;
            case "qwen3" -> QWEN3;
            default -> throw new IllegalArgumentException("unsupported model_type " + modelType);
        };
    }
}
