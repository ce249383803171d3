package io.modelcat.catalog.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The inference and fine-tuning tasks the catalog knows, by their Hugging Face pipeline names. */
public enum Task {
    TEXT_CLASSIFICATION("text-classification"),
    TOKEN_CLASSIFICATION("token-classification"),
    QUESTION_ANSWERING("question-answering"),
    FILL_MASK("fill-mask"),
    SUMMARIZATION("summarization"),
    TRANSLATION("translation"),
    TEXT_GENERATION("text-generation");

    private static final List<String> WIRE_NAMES = Arrays.stream(values()).map(Task::wireName).toList();

    private final String wireName;

    Task(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the API, the database and the Hub, e.g. {@code text-classification}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<Task> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    /** All wire names, in a stable order, for error messages and facets. */
    public static List<String> wireNames() {
        return WIRE_NAMES;
    }
}
