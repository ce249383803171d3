package io.modelcat.catalog.metrics;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prediction samples as RFC 4180 CSV: {@code row_index}, one column per input field (when inputs are JSON
 * objects, else one {@code input} column), {@code expected}, {@code predicted}. Strings are written as they
 * are; other JSON values (lists of tags, numbers) as JSON text.
 */
public final class PredictionCsv {

    private final JsonMapper json;

    public PredictionCsv(JsonMapper json) {
        this.json = json;
    }

    public String write(List<PredictionSample> samples) {
        boolean objects = !samples.isEmpty() && samples.stream().allMatch(s -> s.input() instanceof Map<?, ?>);
        Set<String> inputColumns = new LinkedHashSet<>();
        if (objects) {
            for (PredictionSample s : samples) {
                ((Map<?, ?>) s.input()).keySet().forEach(k -> inputColumns.add(String.valueOf(k)));
            }
        }
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>();
        header.add("row_index");
        if (objects) {
            inputColumns.forEach(c -> header.add("input." + c));
        } else {
            header.add("input");
        }
        header.add("expected");
        header.add("predicted");
        line(out, header);
        for (PredictionSample s : samples) {
            List<String> fields = new ArrayList<>();
            fields.add(String.valueOf(s.rowIndex()));
            if (objects) {
                Map<?, ?> input = (Map<?, ?>) s.input();
                inputColumns.forEach(c -> fields.add(text(input.get(c))));
            } else {
                fields.add(text(s.input()));
            }
            fields.add(text(s.expected()));
            fields.add(text(s.predicted()));
            line(out, fields);
        }
        return out.toString();
    }

    private String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void line(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(quoted(fields.get(i)));
        }
        out.append("\r\n");
    }

    /** Quotes a field holding a comma, quote, line break or edge space; doubles quotes inside. */
    static String quoted(String field) {
        boolean needs = field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0
                || field.indexOf('\r') >= 0 || (!field.isEmpty() && (field.charAt(0) == ' '
                || field.charAt(field.length() - 1) == ' '));
        return needs ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }
}
