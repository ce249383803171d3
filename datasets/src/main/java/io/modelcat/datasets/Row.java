package io.modelcat.datasets;

import java.util.Map;

/**
 * One record of a dataset: the line it starts on and its values by column, in column order; or, for a
 * bad record (a malformed JSON line, a ragged CSV row), the reason it could not be read.
 */
public record Row(long line, Map<String, Object> values, String problem) {

    public static Row good(long line, Map<String, Object> values) {
        return new Row(line, values, null);
    }

    public static Row bad(long line, String problem) {
        return new Row(line, Map.of(), problem);
    }

    public boolean isBad() {
        return problem != null;
    }
}
