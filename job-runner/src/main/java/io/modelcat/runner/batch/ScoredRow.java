package io.modelcat.runner.batch;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One row's outcome: the task's natural value of its prediction (what predictions.csv holds: a label, an
 * answer, entities as JSON, the best fill, generated text) with the full prediction, or the error that
 * made it a bad row.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ScoredRow(long row, String value, Object prediction, String error) {

    static ScoredRow scored(long row, String value, Object prediction) {
        return new ScoredRow(row, value, prediction, null);
    }

    static ScoredRow bad(long row, String error) {
        return new ScoredRow(row, null, null, error);
    }

    boolean isBad() {
        return error != null;
    }
}
