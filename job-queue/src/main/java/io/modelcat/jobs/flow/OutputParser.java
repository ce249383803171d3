package io.modelcat.jobs.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.jobs.spec.SpecError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a step's answer becomes its output: {@code text} (trimmed), {@code json-field} (the answer is a JSON object,
 * possibly inside a Markdown code fence; the output is its {@code field}) or {@code label} (the first of
 * {@code labels} that the answer names, ignoring case; an answer naming none is an error of that row).
 */
public record OutputParser(String type, String field, List<String> labels) {

    public static final String TEXT_TYPE = "text";
    public static final String JSON_FIELD = "json-field";
    public static final String LABEL = "label";
    public static final List<String> TYPES = List.of(TEXT_TYPE, JSON_FIELD, LABEL);
    static final OutputParser TEXT = new OutputParser(TEXT_TYPE, null, null);
    private static final ObjectMapper JSON = new ObjectMapper();

    public OutputParser {
        labels = Flow.listOf(labels);
    }

    /** The output read from an answer; an {@link IllegalArgumentException} saying why the answer does not fit. */
    public String parse(String answer) {
        String text = answer == null ? "" : answer.trim();
        switch (type) {
            case JSON_FIELD -> {
                JsonNode node;
                try {
                    node = JSON.readTree(unfenced(text));
                } catch (Exception e) {
                    throw new IllegalArgumentException("the answer is not a JSON object: " + excerpt(text));
                }
                JsonNode value = node == null ? null : node.get(field);
                if (value == null || value.isNull()) {
                    throw new IllegalArgumentException("the answer's JSON has no field '" + field + "': " + excerpt(text));
                }
                return value.isValueNode() ? value.asText() : value.toString();
            }
            case LABEL -> {
                String lower = text.toLowerCase(Locale.ROOT);
                String best = null;
                int at = Integer.MAX_VALUE;
                for (String label : labels) {
                    int i = lower.indexOf(label.toLowerCase(Locale.ROOT));
                    if (i >= 0 && i < at) {
                        at = i;
                        best = label;
                    }
                }
                if (best == null) {
                    throw new IllegalArgumentException("the answer names none of the labels " + labels + ": "
                            + excerpt(text));
                }
                return best;
            }
            default -> {
                return text;
            }
        }
    }

    private static String unfenced(String text) {
        if (text.startsWith("```")) {
            int start = text.indexOf('\n');
            int end = text.lastIndexOf("```");
            if (start > 0 && end > start) {
                return text.substring(start + 1, end);
            }
        }
        return text;
    }

    private static String excerpt(String text) {
        return text.length() <= 200 ? "'" + text + "'" : "'" + text.substring(0, 200) + "...'";
    }

    List<SpecError> problems(String prefix) {
        List<SpecError> errors = new ArrayList<>();
        if (type == null || !TYPES.contains(type)) {
            errors.add(new SpecError(prefix + "type", (type == null ? "is required" : "'" + type + "' is not a parser")
                    + "; expected one of " + String.join(", ", TYPES)));
            return errors;
        }
        if (JSON_FIELD.equals(type) && (field == null || field.isBlank())) {
            errors.add(new SpecError(prefix + "field", "is required for a json-field parser: the field to read"));
        }
        if (LABEL.equals(type)) {
            if (labels.isEmpty()) {
                errors.add(new SpecError(prefix + "labels", "must list at least one label for a label parser"));
            }
            for (int i = 0; i < labels.size(); i++) {
                if (labels.get(i) == null || labels.get(i).isBlank()) {
                    errors.add(new SpecError(prefix + "labels[" + i + "]", "must not be empty"));
                }
            }
        }
        return errors;
    }
}
