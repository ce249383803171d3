package io.modelcat.catalog.deploy.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.modelcat.jobs.task.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MLflow's {@code /invocations} and KServe's v1 {@code :predict} bodies, read and answered as {@code {"predictions"}}. */
class ServingProtocolShapesTest {

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{'dataframe_split': {'columns': ['text'], 'index': [0, 1], 'data': [['a'], ['b']]}}",
            "{'dataframe_split': {'columns': ['review'], 'data': [['a'], ['b']]}, 'params': {}}",
            "{'dataframe_records': [{'text': 'a'}, {'text': 'b'}]}",
            "{'instances': ['a', 'b']}",
            "{'instances': [{'text': 'a'}, {'text': 'b'}], 'params': {}}",
            "{'inputs': ['a', 'b']}"})
    void mlflowsFormatsAllReadAsTexts(String body) {
        ScoreCall call = ScoreShapes.parseInvocations(json(body), Task.TEXT_CLASSIFICATION);
        assertThat(call.shape()).isEqualTo(Shape.INVOCATIONS);
        assertThat(call.inputs()).containsExactly(Map.of("text", "a"), Map.of("text", "b"));
    }

    @Test
    void questionAnsweringTakesRecordsAndColumnsAndAnswersPredictions() {
        ScoreCall records = ScoreShapes.parseInvocations(json(
                "{'dataframe_records': [{'question': 'q', 'context': 'c'}]}"), Task.QUESTION_ANSWERING);
        ScoreCall inputs = ScoreShapes.parseInvocations(json(
                "{'inputs': {'question': ['q'], 'context': ['c']}}"), Task.QUESTION_ANSWERING);
        ScoreCall kserve = ScoreShapes.parseKServe(json(
                "{'instances': [{'context': 'c', 'question': 'q'}]}"), Task.QUESTION_ANSWERING);
        for (ScoreCall call : List.of(records, inputs, kserve)) {
            assertThat(call.inputs()).containsExactly(Map.of("question", "q", "context", "c"));
        }
        JsonNode answer = ScoreShapes.format(kserve, Task.QUESTION_ANSWERING,
                List.of(json("{'answer': 'Paris', 'start': 0, 'end': 5, 'score': 0.9}")));
        assertThat(answer).isEqualTo(json("{'predictions': ['Paris']}"));
    }

    @Test
    void aClassifiersPredictionsAreLabelsWithScores() {
        ScoreCall call = ScoreShapes.parseKServe(json("{'instances': ['a']}"), Task.TEXT_CLASSIFICATION);
        assertThat(call.shape()).isEqualTo(Shape.KSERVE);
        JsonNode answer = ScoreShapes.format(call, Task.TEXT_CLASSIFICATION, List.of(json(
                "{'label': 'POSITIVE', 'score': 0.75, 'labels': [{'label': 'POSITIVE', 'score': 0.75}]}")));
        assertThat(answer).isEqualTo(json("{'predictions': [{'label': 'POSITIVE', 'score': 0.75}]}"));
    }

    @Test
    void generationParametersComeFromParams() {
        ScoreCall call = ScoreShapes.parseInvocations(json("{'inputs': ['Once'], 'params': {'max_new_tokens': 7}}"),
                Task.TEXT_GENERATION);
        assertThat(call.generation().maxNewTokens()).isEqualTo(7);
        assertThat(call.returnFullText()).as("MLflow's transformers flavour answers the prompt with its continuation")
                .isTrue();
    }

    @Test
    void refusalsNameTheFieldAndListTheRoutesOwnShapes() {
        assertThatThrownBy(() -> ScoreShapes.parseInvocations(json("{'input_data': ['a']}"), Task.TEXT_CLASSIFICATION))
                .isInstanceOf(ScoreShapeException.class)
                .hasMessageContaining("exactly one of dataframe_split, dataframe_records, instances or inputs")
                .hasMessageContaining("{\"dataframe_records\": [{\"text\": \"...\"}]").hasMessageNotContaining("input_string");
        assertThatThrownBy(() -> ScoreShapes.parseInvocations(json("{'instances': ['a'], 'inputs': ['b']}"),
                Task.TEXT_CLASSIFICATION)).hasMessageContaining("exactly one of");
        assertThatThrownBy(() -> ScoreShapes.parseInvocations(json("{'dataframe_records': [{'texte': 'a', 'x': 'b'}]}"),
                Task.TEXT_CLASSIFICATION)).hasMessageContaining("dataframe_records[0] names \"texte\"");
        assertThatThrownBy(() -> ScoreShapes.parseInvocations(json("{'dataframe_split': {'columns': ['text'], "
                + "'data': [['a', 'b']]}}"), Task.TEXT_CLASSIFICATION))
                .hasMessageContaining("dataframe_split.data[0] must be a list of 1 values");
        assertThatThrownBy(() -> ScoreShapes.parseKServe(json("{'inputs': ['a']}"), Task.TEXT_CLASSIFICATION))
                .hasMessageContaining("must be an object with instances").hasMessageContaining("\"instances\": [\"...\"]");
        assertThatThrownBy(() -> ScoreShapes.parseKServe(json("{'instances': [{'question': 'q'}]}"),
                Task.QUESTION_ANSWERING)).hasMessageContaining("instances[0] lacks context");
    }
}
