package io.modelcat.ml.arch;

import java.util.Locale;

/** The transformer families this engine can run, with the state-dict prefix of their base model. */
public enum ArchitectureFamily {
    BERT("bert", "Bert"),
    ROBERTA("roberta", "Roberta"),
    DISTILBERT("distilbert", "DistilBert"),
    GPT2("transformer", "GPT2");

    private final String basePrefix;
    private final String classPrefix;

    ArchitectureFamily(String basePrefix, String classPrefix) {
        this.basePrefix = basePrefix;
        this.classPrefix = classPrefix;
    }

    /** The first segment of every base-model key in a task checkpoint, e.g. {@code bert}. */
    public String basePrefix() {
        return basePrefix;
    }

    /** The {@code transformers} class name for this family and task, written to {@code architectures}. */
    public String transformersClass(Task task) {
        return switch (task) {
            case SEQUENCE_CLASSIFICATION -> classPrefix + "ForSequenceClassification";
            case TOKEN_CLASSIFICATION -> classPrefix + "ForTokenClassification";
            case CAUSAL_LM -> this == GPT2 ? "GPT2LMHeadModel" : classPrefix + "ForCausalLM";
            case MASKED_LM -> classPrefix + "ForMaskedLM";
            case QUESTION_ANSWERING -> classPrefix + "ForQuestionAnswering";
        };
    }

    public static ArchitectureFamily fromModelType(String modelType) {
        return switch (modelType.toLowerCase(Locale.ROOT)) {
            case "bert" -> BERT;
            case "roberta" -> ROBERTA;
            case "distilbert" -> DISTILBERT;
            case "gpt2" -> GPT2;
            default -> throw new IllegalArgumentException("unsupported model_type " + modelType);
        };
    }
}
