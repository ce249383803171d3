package io.modelcat.ml.arch;

import java.util.Locale;
import java.util.Optional;

/**
 * The encoder-decoder families the engine runs, by {@code config.json}'s {@code model_type}. They are kept apart from
 * {@link ArchitectureFamily}, whose members all load through the single-stack path and get task heads; these load
 * through {@code Seq2SeqModel} and have one head, the conditional-generation LM head.
 */
public enum Seq2SeqFamily {
    /** T5 v1.0 and v1.1 / flan-T5 ({@code feed_forward_proj} relu or gated-gelu). */
    T5("T5ForConditionalGeneration"),
    /** BART and DistilBART (the same architecture with fewer layers). */
    BART("BartForConditionalGeneration"),
    /** Marian (Helsinki-NLP opus-mt): BART's network with sinusoidal positions and no embedding layer norm. */
    MARIAN("MarianMTModel");

    private final String transformersClass;

    Seq2SeqFamily(String transformersClass) {
        this.transformersClass = transformersClass;
    }

    /** The {@code transformers} class of the family's generation model, as {@code architectures} names it. */
    public String transformersClass() {
        return transformersClass;
    }

    /** The family of a {@code model_type}, if the engine runs it as an encoder-decoder. */
    public static Optional<Seq2SeqFamily> ofModelType(String modelType) {
        return switch (modelType.toLowerCase(Locale.ROOT)) {
            case "t5" -> Optional.of(T5);
            case "bart" -> Optional.of(BART);
            case "marian" -> Optional.of(MARIAN);
            default -> Optional.empty();
        };
    }
}
