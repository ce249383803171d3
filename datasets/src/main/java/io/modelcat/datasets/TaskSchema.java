package io.modelcat.datasets;

import static io.modelcat.datasets.ColumnType.BOOLEAN;
import static io.modelcat.datasets.ColumnType.INTEGER;
import static io.modelcat.datasets.ColumnType.INTEGER_LIST;
import static io.modelcat.datasets.ColumnType.LIST;
import static io.modelcat.datasets.ColumnType.OBJECT;
import static io.modelcat.datasets.ColumnType.STRING;
import static io.modelcat.datasets.ColumnType.STRING_LIST;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inputs a task reads from a dataset (the names a {@link ColumnMapping} maps to columns), and the
 * checks on one row that column types cannot express (SQuAD answers, one tag per token).
 */
public record TaskSchema(String task, List<SchemaInput> inputs, String stratifyBy, RowCheck rowCheck) {

    private static final List<TaskSchema> ALL = List.of(
            new TaskSchema("text-classification", List.of(
                    SchemaInput.required("sentence1", "the text to classify", STRING),
                    SchemaInput.optional("sentence2", "the second text of a sentence pair", STRING),
                    SchemaInput.required("label", "the class", STRING, INTEGER, BOOLEAN)), "label", RowCheck.NONE),
            new TaskSchema("token-classification", List.of(
                    SchemaInput.required("tokens", "the words of a sentence", STRING_LIST),
                    SchemaInput.required("ner_tags", "one tag per word (IOB style)", STRING_LIST, INTEGER_LIST)), null,
                    TaskSchema::oneTagPerWord),
            new TaskSchema("question-answering", List.of(
                    SchemaInput.required("question", "the question", STRING),
                    SchemaInput.required("context", "the passage holding the answer", STRING),
                    SchemaInput.required("answers", "SQuAD layout: {\"text\": [..], \"answer_start\": [..]}", OBJECT)), null,
                    TaskSchema::squadAnswers),
            new TaskSchema("summarization", List.of(
                    SchemaInput.required("document", "the text to summarize", STRING),
                    SchemaInput.required("summary", "the reference summary", STRING)), null, RowCheck.NONE),
            new TaskSchema("translation", List.of(
                    SchemaInput.required("source", "the text in the source language", STRING),
                    SchemaInput.required("target", "the reference translation", STRING)), null, RowCheck.NONE),
            new TaskSchema("text-generation", List.of(
                    SchemaInput.required("text", "the prompt, the text to learn from, or a conversation (a list of "
                            + "{\"role\", \"content\"} messages, learned from its assistant turns)", STRING, LIST),
                    SchemaInput.optional("ground_truth", "the completion of the text as a prompt: fine-tuning learns it alone, evaluation scores it given the prompt", STRING)), null,
                    RowCheck.NONE),
            new TaskSchema("fill-mask", List.of(
                    SchemaInput.required("text", "the text to learn from", STRING)), null, RowCheck.NONE));

    public TaskSchema {
        inputs = List.copyOf(inputs);
    }

    public static List<TaskSchema> all() {
        return ALL;
    }

    public static Optional<TaskSchema> forTask(String task) {
        return ALL.stream().filter(s -> s.task.equals(task)).findFirst();
    }

    public static List<String> tasks() {
        return ALL.stream().map(TaskSchema::task).toList();
    }

    public Optional<SchemaInput> input(String name) {
        return inputs.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    public List<String> inputNames() {
        return inputs.stream().map(SchemaInput::name).toList();
    }

    /**
     * Checks one row, read through a resolved mapping, beyond column types.
     *
     * @return what is wrong, naming the input and column, or empty when the row is fine
     */
    public Optional<MappingError> checkRow(Map<String, Object> row, Map<String, String> mapping) {
        return rowCheck.check(row, mapping);
    }

    /** A task's check of one row beyond column types (one tag per word, SQuAD answers). */
    @FunctionalInterface
    public interface RowCheck {
        Optional<MappingError> check(Map<String, Object> row, Map<String, String> mapping);

        RowCheck NONE = (row, mapping) -> Optional.empty();
    }

    private static Optional<MappingError> oneTagPerWord(Map<String, Object> row, Map<String, String> mapping) {
        Object tokens = row.get(mapping.get("tokens"));
        Object tags = row.get(mapping.get("ner_tags"));
        if (tokens instanceof List<?> t && tags instanceof List<?> g && t.size() != g.size()) {
            return Optional.of(new MappingError("ner_tags", mapping.get("ner_tags"), "has " + g.size()
                    + " tags but tokens (column '" + mapping.get("tokens") + "') has " + t.size() + " words"));
        }
        return Optional.empty();
    }

    private static Optional<MappingError> squadAnswers(Map<String, Object> row, Map<String, String> mapping) {
        String column = mapping.get("answers");
        Object answers = row.get(column);
        if (!(answers instanceof Map<?, ?> a)) {
            return answers == null ? Optional.empty() : answersError(column, "must be an object");
        }
        if (!(a.get("text") instanceof List<?> texts) || !texts.stream().allMatch(String.class::isInstance)) {
            return answersError(column, "must hold \"text\": a list of strings");
        }
        if (!(a.get("answer_start") instanceof List<?> starts) || !starts.stream().allMatch(ColumnType::isInteger)) {
            return answersError(column, "must hold \"answer_start\": a list of integers (character offsets)");
        }
        if (texts.size() != starts.size()) {
            return answersError(column, "has " + texts.size() + " texts but " + starts.size() + " answer_start offsets");
        }
        return Optional.empty();
    }

    private static Optional<MappingError> answersError(String column, String message) {
        return Optional.of(new MappingError("answers", column, message));
    }
}
