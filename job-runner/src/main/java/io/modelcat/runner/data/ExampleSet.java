package io.modelcat.runner.data;

import io.modelcat.datasets.DatasetReader;
import io.modelcat.datasets.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a dataset turned into {@link TaskExample}s through a column mapping. Rows that cannot
 * be used (unreadable, or a required value missing or of the wrong kind) are counted and the first
 * reasons kept, never silently dropped.
 */
public record ExampleSet(List<TaskExample> examples, long badRows, List<String> badRowReasons) {

    private static final int MAX_REASONS = 20;

    public static ExampleSet read(Path file, DatasetRef ref, String task, Map<String, String> mapping) {
        List<TaskExample> examples = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        long bad = 0;
        try (DatasetReader reader = DatasetReader.open(file, ref.format(), 16 << 20)) {
            int index = 0;
            for (Row row = reader.next(); row != null; row = reader.next()) {
                String problem = row.isBad() ? row.problem() : null;
                TaskExample example = null;
                if (problem == null) {
                    try {
                        example = toExample(index, row.values(), task, mapping);
                    } catch (IllegalArgumentException e) {
                        problem = e.getMessage();
                    }
                }
                if (example == null) {
                    bad++;
                    if (reasons.size() < MAX_REASONS) {
                        reasons.add("line " + row.line() + ": " + problem);
                    }
                } else {
                    examples.add(example);
                    index++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + ref.id() + ": " + e.getMessage(), e);
        }
        return new ExampleSet(examples, bad, reasons);
    }

    private static TaskExample toExample(int index, Map<String, Object> values, String task, Map<String, String> mapping) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        mapping.forEach((input, column) -> inputs.put(input, values.get(column)));
        return switch (task) {
            case "text-classification" -> new TaskExample(index, text(inputs, "sentence1", true),
                    text(inputs, "sentence2", false), label(inputs.get("label")), null, null, inputs);
            case "token-classification" -> {
                List<String> words = strings(inputs, "tokens");
                List<String> tags = strings(inputs, "ner_tags");
                if (words.size() != tags.size()) {
                    throw new IllegalArgumentException("tokens has " + words.size() + " words but ner_tags has "
                            + tags.size() + " tags");
                }
                yield new TaskExample(index, null, null, null, words, tags, inputs);
            }
            case "text-generation" -> new TaskExample(index, text(inputs, "text", true), null, null, null, null, inputs);
            default -> throw new IllegalArgumentException("task '" + task + "' is not supported by this engine");
        };
    }

    private static String text(Map<String, Object> inputs, String input, boolean required) {
        Object value = inputs.get(input);
        if (value == null || value.toString().isBlank()) {
            if (required) {
                throw new IllegalArgumentException(input + " is empty");
            }
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            throw new IllegalArgumentException(input + " is not a text");
        }
        return value.toString();
    }

    private static String label(Object value) {
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("label is empty");
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return Long.toString(n.longValue());
        }
        if (value instanceof Map || value instanceof List) {
            throw new IllegalArgumentException("label is not a single value");
        }
        return value.toString();
    }

    private static List<String> strings(Map<String, Object> inputs, String input) {
        if (!(inputs.get(input) instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(input + " is not a non-empty list");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object item : list) {
            out.add(item instanceof Number n ? Long.toString(n.longValue()) : String.valueOf(item));
        }
        return out;
    }
}
