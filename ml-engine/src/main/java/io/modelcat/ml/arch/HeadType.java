package io.modelcat.ml.arch;

import java.util.Optional;

/** What the head on top of the transformer body predicts (the engine's side of a task). */
public enum HeadType {
    SEQUENCE_CLASSIFICATION,
    TOKEN_CLASSIFICATION,
    CAUSAL_LM,
    /** Fill-mask: logits over the vocabulary at every position (BERT, DistilBERT, RoBERTa). */
    MASKED_LM,
    /** Extractive question answering: a start and an end logit per token ({@code qa_outputs}). */
    QUESTION_ANSWERING;

    /** Reads the task from a {@code transformers} class name such as {@code BertForTokenClassification}. */
    public static Optional<HeadType> fromTransformersClass(String architecture) {
        if (architecture.endsWith("ForSequenceClassification")) {
            return Optional.of(SEQUENCE_CLASSIFICATION);
        }
        if (architecture.endsWith("ForTokenClassification")) {
            return Optional.of(TOKEN_CLASSIFICATION);
        }
        if (architecture.endsWith("ForMaskedLM")) {
            return Optional.of(MASKED_LM);
        }
        if (architecture.endsWith("ForQuestionAnswering")) {
            return Optional.of(QUESTION_ANSWERING);
        }
        if (architecture.endsWith("LMHeadModel") || architecture.endsWith("ForCausalLM")) {
            return Optional.of(CAUSAL_LM);
        }
        return Optional.empty();
    }

    /** Whether the head predicts one of the user's labels (and {@code config.json} records them). */
    public boolean isClassification() {
        return this == SEQUENCE_CLASSIFICATION || this == TOKEN_CLASSIFICATION;
    }
}
