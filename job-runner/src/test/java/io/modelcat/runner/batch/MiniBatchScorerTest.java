package io.modelcat.runner.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.jobs.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retries of a failing mini-batch, bad rows that are not retried, and the natural values of predictions.csv. */
class MiniBatchScorerTest {

    private final List<String> warnings = new ArrayList<>();
    private final List<InputRow> rows = List.of(new InputRow(0, Map.of("text", "a"), null),
            new InputRow(1, Map.of(), "line 3: ragged"), new InputRow(2, Map.of("text", "b"), null));

    @Test
    void aMiniBatchThatFailsIsTriedAgain() {
        int[] calls = {0};
        MiniBatchScorer scorer = new MiniBatchScorer(Task.TEXT_CLASSIFICATION, inputs -> {
            if (++calls[0] == 1) {
                throw new IllegalStateException("out of memory");
            }
            return Map.of("label", inputs.get("text").toUpperCase());
        }, 1, warnings::add);

        assertThat(scorer.score(4, rows)).containsExactly(ScoredRow.scored(0, "A", Map.of("label", "A")),
                ScoredRow.bad(1, "line 3: ragged"), ScoredRow.scored(2, "B", Map.of("label", "B")));
        assertThat(warnings).singleElement().asString().contains("Mini-batch 4 failed (attempt 1 of 2): out of memory");
    }

    @Test
    void aMiniBatchThatKeepsFailingMakesItsRowsBadAndABadInputIsNotRetried() {
        MiniBatchScorer failing = new MiniBatchScorer(Task.TEXT_CLASSIFICATION, inputs -> {
            throw new IllegalStateException("broken");
        }, 2, warnings::add);
        assertThat(failing.score(0, rows)).extracting(ScoredRow::error)
                .containsOnly("mini-batch 0 failed 3 times: broken");
        assertThat(warnings).hasSize(3);

        int[] calls = {0};
        MiniBatchScorer picky = new MiniBatchScorer(Task.QUESTION_ANSWERING, inputs -> {
            calls[0]++;
            throw new IllegalArgumentException("context is required for question-answering");
        }, 3, warnings::add);
        assertThat(picky.score(0, rows)).extracting(ScoredRow::error).containsExactly(
                "context is required for question-answering", "line 3: ragged", "context is required for question-answering");
        assertThat(calls[0]).as("once for the mini-batch, then once per row").isEqualTo(3);
    }

    @Test
    void rowsArePredictedTogetherUnlessOneOfThemCannotBe() {
        List<Integer> together = new ArrayList<>();
        MiniBatchScorer.Predictor predictor = new MiniBatchScorer.Predictor() {
            @Override
            public Object predict(Map<String, String> inputs) {
                if (inputs.get("text").equals("?")) {
                    throw new IllegalArgumentException("text has no mask token");
                }
                return Map.of("label", inputs.get("text"));
            }

            @Override
            public List<Object> predictAll(List<Map<String, String>> all) {
                together.add(all.size());
                return MiniBatchScorer.Predictor.super.predictAll(all);
            }
        };
        MiniBatchScorer scorer = new MiniBatchScorer(Task.TEXT_CLASSIFICATION, predictor, 0, warnings::add);
        assertThat(scorer.score(0, rows)).extracting(ScoredRow::value).containsExactly("a", null, "b");
        assertThat(together).as("the two readable rows in one call").containsExactly(2);

        assertThat(scorer.score(1, List.of(new InputRow(7, Map.of("text", "?"), null), new InputRow(8, Map.of("text", "c"), null))))
                .containsExactly(ScoredRow.bad(7, "text has no mask token"), ScoredRow.scored(8, "c", Map.of("label", "c")));
        assertThat(warnings).isEmpty();
    }

    @Test
    void naturalValues() {
        assertThat(PredictionValues.of(Task.QUESTION_ANSWERING, Map.of("answer", "Paris", "score", 0.9))).isEqualTo("Paris");
        assertThat(PredictionValues.of(Task.TEXT_GENERATION, Map.of("generatedText", "once upon"))).isEqualTo("once upon");
        assertThat(PredictionValues.of(Task.FILL_MASK, List.of(Map.of("candidates", List.of(Map.of("token", "capital"),
                Map.of("token", "city")))))).isEqualTo("capital");
        assertThat(PredictionValues.of(Task.TOKEN_CLASSIFICATION, Map.of("entities", List.of(Map.of("type", "PER")))))
                .isEqualTo("[{\"type\":\"PER\"}]");
        assertThat(PredictionValues.of(Task.TOKEN_CLASSIFICATION, Map.of("entities", List.of(Map.of("word", "Ada",
                "type", "PER", "start", 0))))).as("keys in order, whatever the JVM's order of Map.of")
                .isEqualTo("[{\"start\":0,\"type\":\"PER\",\"word\":\"Ada\"}]");
        assertThat(BatchOutputs.csvField("a, \"b\"")).isEqualTo("\"a, \"\"b\"\"\"");
        assertThat(BatchOutputs.csvField("plain")).isEqualTo("plain");
    }
}
