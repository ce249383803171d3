package io.modelcat.runner.batch;

import io.modelcat.jobs.task.Task;
import io.modelcat.runner.execute.JobCancelledException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Scores one mini-batch. A row the model cannot take (an input missing or unfit) is a bad row; any other
 * failure fails the mini-batch, which is tried again up to {@code maxRetries} times before all its rows
 * count as bad.
 */
final class MiniBatchScorer {

    /** Predictions for rows' inputs, as the task's recipe makes them. */
    interface Predictor {
        Object predict(Map<String, String> inputs);

        /** One prediction per row, in order; together where the recipe can. */
        default List<Object> predictAll(List<Map<String, String>> rows) {
            return rows.stream().map(this::predict).toList();
        }
    }

    private final Task task;
    private final Predictor predictor;
    private final int maxRetries;
    private final Consumer<String> warnings;

    MiniBatchScorer(Task task, Predictor predictor, int maxRetries, Consumer<String> warnings) {
        this.task = task;
        this.predictor = predictor;
        this.maxRetries = maxRetries;
        this.warnings = warnings;
    }

    List<ScoredRow> score(int index, List<InputRow> rows) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= maxRetries + 1; attempt++) {
            try {
                return attempt(rows);
            } catch (JobCancelledException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
                warnings.accept("Mini-batch " + index + " failed (attempt " + attempt + " of " + (maxRetries + 1) + "): "
                        + e.getMessage());
            }
        }
        String reason = "mini-batch " + index + " failed " + (maxRetries + 1) + " times: " + last.getMessage();
        return rows.stream().map(r -> ScoredRow.bad(r.number(), reason)).toList();
    }

    private List<ScoredRow> attempt(List<InputRow> rows) {
        List<InputRow> readable = rows.stream().filter(r -> r.problem() == null).toList();
        Iterator<Object> together = null;
        try {
            together = predictor.predictAll(readable.stream().map(InputRow::inputs).toList()).iterator();
        } catch (IllegalArgumentException e) {
            // A row the task cannot take: each row alone, to tell which.
        }
        List<ScoredRow> scored = new ArrayList<>(rows.size());
        for (InputRow row : rows) {
            if (row.problem() != null) {
                scored.add(ScoredRow.bad(row.number(), row.problem()));
                continue;
            }
            Object prediction;
            if (together != null) {
                prediction = together.next();
            } else {
                try {
                    prediction = predictor.predict(row.inputs());
                } catch (IllegalArgumentException e) {
                    scored.add(ScoredRow.bad(row.number(), e.getMessage()));
                    continue;
                }
            }
            scored.add(ScoredRow.scored(row.number(), PredictionValues.of(task, prediction), prediction));
        }
        return scored;
    }
}
