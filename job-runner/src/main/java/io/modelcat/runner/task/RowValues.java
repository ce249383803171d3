package io.modelcat.runner.task;

import io.modelcat.jobs.spec.PredictSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reading one mapped dataset row's values; each refusal names the task input. */
final class RowValues {

    private RowValues() {
    }

    /** A text; null when absent and not {@code required}. */
    static String text(Map<String, Object> inputs, String input, boolean required) {
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

    /** A class label: a text, a whole number or a boolean, as text. */
    static String label(Object value) {
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

    /** A non-empty list, its items as texts. */
    static List<String> strings(Map<String, Object> inputs, String input) {
        if (!(inputs.get(input) instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(input + " is not a non-empty list");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object item : list) {
            out.add(item instanceof Number n ? Long.toString(n.longValue()) : String.valueOf(item));
        }
        return out;
    }

    /** A required input of sample inference. */
    static String input(PredictSpec spec, String input) {
        String value = spec.inputs() == null ? null : spec.inputs().get(input);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(input + " is required for " + spec.task().wireName());
        }
        return value;
    }
}
