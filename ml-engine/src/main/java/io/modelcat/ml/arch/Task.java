package io.modelcat.ml.arch;

import java.util.Optional;

/** What the head on top of the transformer body predicts. */
public enum Task {
    SEQUENCE_CLASSIFICATION,
    TOKEN_CLASSIFICATION,
    CAUSAL_LM;

    /** Reads the task from a {@code transformers} class name such as {@code BertForTokenClassification}. */
    public static Optional<Task> fromTransformersClass(String architecture) {
        if (architecture.endsWith("ForSequenceClassification")) {
            return Optional.of(SEQUENCE_CLASSIFICATION);
        }
        if (architecture.endsWith("ForTokenClassification")) {
            return Optional.of(TOKEN_CLASSIFICATION);
        }
        if (architecture.endsWith("LMHeadModel") || architecture.endsWith("ForCausalLM")) {
            return Optional.of(CAUSAL_LM);
        }
        return Optional.empty();
    }

    public boolean isClassification() {
        return this != CAUSAL_LM;
    }
}
