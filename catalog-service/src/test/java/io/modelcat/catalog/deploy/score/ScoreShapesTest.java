package io.modelcat.catalog.deploy.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The score endpoint's request shapes understood and answered in kind, without a server or a runner. */
class ScoreShapesTest {

    /** Single quotes keep the bodies below readable; the parser reads them as JSON's double quotes. */
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    // Parsing: every shape for every task it applies to.

    static Stream<Arguments> textShapes() {
        return Stream.of(
                Arguments.of("{'input_data': ['a', 'b'], 'params': {}}", Shape.MLFLOW),
                Arguments.of("{'input_data': ['a', 'b']}", Shape.MLFLOW),
                Arguments.of("{'input_data': {'columns': ['sentence'], 'index': [0, 1], 'data': [['a'], ['b']]}}",
                        Shape.PANDAS_SPLIT),
                Arguments.of("{'input_data': {'columns': ['text'], 'data': [['a'], ['b']]}, 'params': {}}", Shape.PANDAS_SPLIT),
                Arguments.of("{'inputs': {'input_string': ['a', 'b']}, 'parameters': {}}", Shape.LEGACY),
                Arguments.of("{'inputs': ['a', 'b'], 'parameters': {}}", Shape.HUGGING_FACE),
                Arguments.of("{'input_data': {'input_string': ['a', 'b']}, 'parameters': {}}", Shape.DOLLY),
                Arguments.of("{'input_data': {'input_string': ['a', 'b'], 'parameters': {}}}", Shape.INPUT_STRING),
                Arguments.of("{'input_data': {'input_string': ['a', 'b']}}", Shape.INPUT_STRING));
    }

    @ParameterizedTest
    @MethodSource("textShapes")
    void everyTextTaskTakesEveryTextShape(String body, Shape shape) {
        for (Task task : List.of(Task.TEXT_CLASSIFICATION, Task.TOKEN_CLASSIFICATION, Task.FILL_MASK, Task.TEXT_GENERATION)) {
            ScoreCall call = ScoreShapes.parse(json(body), task, false);

            assertThat(call.shape()).as(task.wireName()).isEqualTo(shape);
            assertThat(call.inputs()).as(task.wireName()).containsExactly(Map.of("text", "a"), Map.of("text", "b"));
        }
    }

    @Test
    void promptFlowsDollyBodyIsAnsweredAsPromptFlowAndOtherShapesStayThemselves() {
        String dolly = "{'input_data': {'input_string': ['a']}, 'parameters': {'max_new_tokens': 5}}";

        assertThat(ScoreShapes.parse(json(dolly), Task.TEXT_GENERATION, true).shape()).isEqualTo(Shape.PROMPT_FLOW);
        assertThat(ScoreShapes.parse(json(dolly), Task.TEXT_GENERATION, false).shape()).isEqualTo(Shape.DOLLY);
        assertThat(ScoreShapes.parse(json("{'input_data': {'input_string': ['a'], 'parameters': {}}}"),
                Task.TEXT_GENERATION, true).shape()).isEqualTo(Shape.INPUT_STRING);
        assertThat(ScoreShapes.parse(json("{'input_data': ['a']}"), Task.TEXT_GENERATION, true).shape())
                .isEqualTo(Shape.MLFLOW);
    }

    static Stream<Arguments> questionAnsweringShapes() {
        return Stream.of(
                Arguments.of("{'input_data': {'question': 'q1', 'context': 'c1'}}", Shape.MLFLOW, 1),
                Arguments.of("{'input_data': {'question': ['q1', 'q2'], 'context': ['c1', 'c2']}, 'params': {}}",
                        Shape.MLFLOW, 2),
                Arguments.of("{'input_data': {'columns': ['context', 'question'], 'index': [0, 1], "
                        + "'data': [['c1', 'q1'], ['c2', 'q2']]}}", Shape.PANDAS_SPLIT, 2),
                Arguments.of("{'inputs': {'question': ['q1', 'q2'], 'context': ['c1', 'c2']}, 'parameters': {}}",
                        Shape.LEGACY, 2),
                Arguments.of("{'inputs': {'question': 'q1', 'context': 'c1'}}", Shape.LEGACY, 1));
    }

    @ParameterizedTest
    @MethodSource("questionAnsweringShapes")
    void questionAnsweringPairsQuestionsWithContextsByPosition(String body, Shape shape, int pairs) {
        ScoreCall call = ScoreShapes.parse(json(body), Task.QUESTION_ANSWERING, false);

        assertThat(call.shape()).isEqualTo(shape);
        List<Map<String, String>> expected = new ArrayList<>();
        for (int i = 1; i <= pairs; i++) {
            expected.add(Map.of("question", "q" + i, "context", "c" + i));
        }
        assertThat(call.inputs()).isEqualTo(expected);
        assertThat(call.generation()).isNull();
        assertThat(call.candidates()).isNull();
    }

    @Test
    void pandasColumnsNameTheTasksInputsAndAMissingOptionalValueIsLeftOut() {
        ScoreCall call = ScoreShapes.parse(json("{'input_data': {'columns': ['text', 'text2'], "
                + "'data': [['a', 'b'], ['c', null], ['d', ' ']]}}"), Task.TEXT_CLASSIFICATION, false);

        assertThat(call.inputs()).containsExactly(Map.of("text", "a", "text2", "b"), Map.of("text", "c"), Map.of("text", "d"));
    }

    @Test
    void chatMessagesBecomeOnePromptEndingInAnOpenAssistantLine() {
        ScoreCall call = ScoreShapes.parse(json("{'input_data': {'input_string': ["
                + "{'role': 'system', 'content': 'Be brief.'}, {'role': 'user', 'content': 'Hi'}], "
                + "'parameters': {'max_new_tokens': 8}}}"), Task.TEXT_GENERATION, false);

        assertThat(call.shape()).isEqualTo(Shape.CHAT_MESSAGES);
        assertThat(call.inputs()).containsExactly(Map.of("text", "system: Be brief.\nuser: Hi\nassistant:"));
        assertThat(call.generation().maxNewTokens()).isEqualTo(8);
        assertThat(call.returnFullText()).isFalse();
    }

    @Test
    void langChainsQuotedPromptsAreUsedParsed() {
        // GPT2ContentFormatter: escape_special_characters(prompt), then f'"{prompt}"'.
        String quoted = "\"Say \\\"hi\\\"\\nthen go\"";
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("inputs").putArray("input_string").add(quoted).add("\"a\" and \"b\"").add("\"bad \\q\"");

        ScoreCall call = ScoreShapes.parse(body, Task.TEXT_GENERATION, false);

        assertThat(call.inputs()).extracting(input -> input.get("text"))
                .containsExactly("Say \"hi\"\nthen go", "\"a\" and \"b\"", "\"bad \\q\"");
    }

    @Test
    void langChainsChatContentIsUnquotedToo() {
        ScoreCall call = ScoreShapes.parse(json("{'input_data': {'input_string': "
                + "[{'role': 'user', 'content': '\"Hi \\\\\"you\\\\\"\"'}], 'parameters': {}}}"), Task.TEXT_GENERATION, false);

        assertThat(call.inputs()).containsExactly(Map.of("text", "user: Hi \"you\"\nassistant:"));
    }

    @Test
    void generationParametersAreRead() {
        ScoreCall call = ScoreShapes.parse(json("{'inputs': ['a'], 'parameters': {'max_new_tokens': 20, "
                + "'temperature': 0.7, 'top_p': 0.9, 'top_k': 40, 'seed': 7, 'return_full_text': false, "
                + "'stop': ['\\n', 'User:'], 'repetition_penalty': 1.2, 'frequency_penalty': 'ignored'}}"),
                Task.TEXT_GENERATION, false);

        assertThat(call.generation()).isEqualTo(new PredictSpec.Generation(20, 0.7, 40, 0.9, 7L, null, 1.2,
                List.of("\n", "User:")));
        assertThat(call.returnFullText()).isFalse();
        assertThat(call.stop()).containsExactly("\n", "User:");
        assertThat(call.candidates()).isNull();
        assertThat(call.serveRequest().generation()).isSameAs(call.generation());
    }

    @Test
    void eachShapeFindsItsParametersInItsOwnPlace() {
        String[] bodies = {
            "{'input_data': ['a'], 'params': {'max_new_tokens': 3}}",
            "{'input_data': {'columns': ['text'], 'data': [['a']]}, 'params': {'max_new_tokens': 3}}",
            "{'inputs': {'input_string': ['a']}, 'parameters': {'max_new_tokens': 3}}",
            "{'inputs': ['a'], 'parameters': {'max_new_tokens': 3}}",
            "{'input_data': {'input_string': ['a']}, 'parameters': {'max_new_tokens': 3}}",
            "{'input_data': {'input_string': ['a'], 'parameters': {'max_new_tokens': 3}}}",
            "{'input_data': {'input_string': [{'role': 'user', 'content': 'a'}], 'parameters': {'max_new_tokens': 3}}}",
            "{'input_data': {'input_string': [{'role': 'user', 'content': 'a'}]}, 'parameters': {'max_new_tokens': 3}}"};
        for (String body : bodies) {
            assertThat(ScoreShapes.parse(json(body), Task.TEXT_GENERATION, false).generation().maxNewTokens())
                    .as(body).isEqualTo(3);
        }
    }

    @Test
    void maxLengthStandsInForMaxNewTokensAndIntegersMayBeWrittenAsDecimals() {
        assertThat(generation("{'max_length': 30}").maxNewTokens()).isEqualTo(30);
        assertThat(generation("{'max_length': 30, 'max_new_tokens': 12}").maxNewTokens()).isEqualTo(12);
        assertThat(generation("{'max_new_tokens': 12.0, 'seed': -4}")).isEqualTo(new PredictSpec.Generation(12, null, null, null, -4L));
        assertThat(generation("{}")).isEqualTo(new PredictSpec.Generation(null, null, null, null, null));
        assertThat(generation("{'max_new_tokens': null}").maxNewTokens()).isNull();
    }

    @Test
    void temperatureZeroAndDoSampleFalseMeanGreedy() {
        assertThat(generation("{'temperature': 0, 'top_p': 0.5}")).isEqualTo(PredictSpec.Generation.greedy(null));
        assertThat(generation("{'do_sample': false, 'temperature': 0.8, 'top_k': 5, 'top_p': 0.5, 'seed': 1, 'max_new_tokens': 9}"))
                .isEqualTo(PredictSpec.Generation.greedy(9).withSeed(1L));
        assertThat(generation("{'do_sample': true, 'temperature': 0.8}"))
                .isEqualTo(new PredictSpec.Generation(null, 0.8, null, null, null, true, null, null));
    }

    @Test
    void stopMayBeOneString() {
        ScoreCall call = ScoreShapes.parse(json("{'input_data': ['a'], 'params': {'stop': '###'}}"), Task.TEXT_GENERATION, false);

        assertThat(call.stop()).containsExactly("###");
    }

    @Test
    void theFullTextIsRepeatedByDefaultOnlyForMlflowPandasAndHuggingFace() {
        Map<String, Boolean> byBody = Map.of(
                "{'input_data': ['a']}", true,
                "{'input_data': {'columns': ['text'], 'data': [['a']]}}", true,
                "{'inputs': ['a']}", true,
                "{'inputs': {'input_string': ['a']}}", false,
                "{'input_data': {'input_string': ['a']}, 'parameters': {}}", false,
                "{'input_data': {'input_string': ['a']}}", false,
                "{'input_data': {'input_string': [{'role': 'user', 'content': 'a'}]}}", false);
        byBody.forEach((body, repeats) -> {
            assertThat(ScoreShapes.parse(json(body), Task.TEXT_GENERATION, false).returnFullText()).as(body).isEqualTo(repeats);
            assertThat(ScoreShapes.parse(json(body), Task.TEXT_GENERATION, true).returnFullText()).as(body).isEqualTo(repeats);
        });
        assertThat(ScoreShapes.parse(json("{'inputs': {'input_string': ['a']}, 'parameters': {'return_full_text': true}}"),
                Task.TEXT_GENERATION, false).returnFullText()).isTrue();
        assertThat(ScoreShapes.parse(json("{'inputs': ['a'], 'parameters': {'return_full_text': false}}"),
                Task.TEXT_GENERATION, false).returnFullText()).isFalse();
    }

    @Test
    void fillMasksTopKIsItsNumberOfCandidates() {
        ScoreCall call = ScoreShapes.parse(json("{'input_data': ['Paris is the [MASK].'], 'params': {'top_k': 3}}"),
                Task.FILL_MASK, false);

        assertThat(call.candidates()).isEqualTo(3);
        assertThat(call.generation()).isNull();
        assertThat(call.serveRequest().candidates()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(value = Task.class, names = {"TEXT_CLASSIFICATION", "TOKEN_CLASSIFICATION"})
    void parametersATaskDoesNotUseAreNotRead(Task task) {
        ScoreCall call = ScoreShapes.parse(json("{'inputs': ['a'], 'parameters': {'temperature': 'hot', 'top_k': 0}}"),
                task, false);

        assertThat(call.generation()).isNull();
        assertThat(call.candidates()).isNull();
        assertThat(call.stop()).isEmpty();
    }

    // Formatting, from hand-written predictions.

    @Test
    void textClassificationAnswersTheTopLabelAndScore() {
        JsonNode prediction = json("{'label': 'POSITIVE', 'score': 0.75, 'labels': [{'label': 'POSITIVE', 'score': 0.75}, "
                + "{'label': 'NEGATIVE', 'score': 0.25}]}");

        assertThat(answer("{'input_data': ['I loved it']}", Task.TEXT_CLASSIFICATION, prediction))
                .isEqualTo(json("[{'label': 'POSITIVE', 'score': 0.75}]"));
        assertThat(answer("{'inputs': {'input_string': ['I loved it']}}", Task.TEXT_CLASSIFICATION, prediction))
                .isEqualTo(json("[{'0': {'label': 'POSITIVE', 'score': 0.75}}]"));
        assertThat(answer("{'input_data': {'input_string': ['I loved it']}, 'parameters': {}}", Task.TEXT_CLASSIFICATION, prediction))
                .isEqualTo(json("[{'label': 'POSITIVE', 'score': 0.75}]"));
    }

    @Test
    void tokenClassificationAnswersEntityGroupsPerInput() {
        JsonNode first = json("{'words': ['Ada', 'Lovelace', 'met', 'Babbage'], 'entities': ["
                + "{'type': 'PER', 'startWord': 0, 'endWord': 2, 'text': 'Ada Lovelace', 'score': 0.5}, "
                + "{'type': 'PER', 'startWord': 3, 'endWord': 4, 'text': 'Babbage', 'score': 0.25}]}");
        JsonNode second = json("{'words': ['nothing'], 'entities': []}");

        assertThat(answer("{'input_data': {'columns': ['text'], 'data': [['Ada Lovelace met Babbage'], ['nothing']]}}",
                Task.TOKEN_CLASSIFICATION, first, second)).isEqualTo(json("[["
                + "{'entity_group': 'PER', 'word': 'Ada Lovelace', 'start': 0, 'end': 2, 'score': 0.5}, "
                + "{'entity_group': 'PER', 'word': 'Babbage', 'start': 3, 'end': 4, 'score': 0.25}], []]"));
    }

    @Test
    void questionAnsweringAnswersTheAnswer() {
        JsonNode prediction = json("{'answer': 'Paris', 'start': 0, 'end': 5, 'score': 0.5}");

        assertThat(answer("{'input_data': {'question': 'q', 'context': 'c'}}", Task.QUESTION_ANSWERING, prediction))
                .isEqualTo(json("['Paris']"));
        assertThat(answer("{'inputs': {'question': ['q'], 'context': ['c']}}", Task.QUESTION_ANSWERING, prediction))
                .isEqualTo(json("[{'0': 'Paris'}]"));
    }

    @Test
    void fillMaskAnswersTheBestCandidateOfTheFirstMask() {
        JsonNode twoMasks = json("[{'position': 3, 'candidates': [{'token': 'city', 'score': 0.25}, "
                + "{'token': 'capital', 'score': 0.5}]}, {'position': 7, 'candidates': [{'token': 'France', 'score': 0.75}]}]");
        JsonNode noMask = json("[]");

        assertThat(answer("{'input_data': ['Paris is the [MASK] of [MASK].', 'no mask']}", Task.FILL_MASK, twoMasks, noMask))
                .isEqualTo(json("['capital', null]"));
        assertThat(answer("{'inputs': ['Paris is the [MASK] of [MASK].']}", Task.FILL_MASK, twoMasks))
                .isEqualTo(json("[{'0': {'generated_text': 'capital'}}]"));
    }

    static Stream<Arguments> generationRoundTrips() {
        return Stream.of(
                Arguments.of("{'input_data': ['Once upon']}", false, "['Once upon a time']"),
                Arguments.of("{'input_data': {'columns': ['prompt'], 'index': [0], 'data': [['Once upon']]}}", false,
                        "['Once upon a time']"),
                Arguments.of("{'inputs': {'input_string': ['\"Once upon\"']}, 'parameters': {}}", false, "[{'0': ' a time'}]"),
                Arguments.of("{'inputs': ['\"Once upon\"'], 'parameters': {}}", false,
                        "[{'0': {'generated_text': 'Once upon a time'}}]"),
                Arguments.of("{'input_data': {'input_string': ['\"Once upon\"']}, 'parameters': {}}", false, "[' a time']"),
                Arguments.of("{'input_data': {'input_string': ['\"Once upon\"']}, 'parameters': {}}", true, "[{'0': ' a time'}]"),
                Arguments.of("{'input_data': {'input_string': ['\"Once upon\"'], 'parameters': {}}}", false,
                        "[{'0': ' a time'}]"),
                Arguments.of("{'input_data': {'input_string': [{'role': 'user', 'content': 'Once upon'}], 'parameters': {}}}",
                        false, "{'output': ' a time'}"));
    }

    @ParameterizedTest
    @MethodSource("generationRoundTrips")
    void textGenerationIsAnsweredInTheShapeItWasAskedIn(String body, boolean fromPromptFlow, String expected) {
        ScoreCall call = ScoreShapes.parse(json(body), Task.TEXT_GENERATION, fromPromptFlow);

        assertThat(ScoreShapes.format(call, Task.TEXT_GENERATION, List.of(generated(" a time"))))
                .isEqualTo(json(expected));
    }

    @ParameterizedTest
    @MethodSource("stopOrders")
    void generatedTextIsCutAtTheEarliestStopStringButThePromptIsNot(String stop) {
        ScoreCall call = ScoreShapes.parse(json("{'input_data': ['Q: hi\\nA:'], 'params': {'stop': " + stop + "}}"),
                Task.TEXT_GENERATION, false);

        assertThat(ScoreShapes.format(call, Task.TEXT_GENERATION, List.of(generated(" hello.\nUser: more"))))
                .isEqualTo(json("['Q: hi\\nA: hello.']"));
        assertThat(ScoreShapes.format(call, Task.TEXT_GENERATION, List.of(generated(" no stop here"))))
                .isEqualTo(json("['Q: hi\\nA: no stop here']"));
    }

    /** The earliest in the text, whichever comes first in the list. */
    static Stream<String> stopOrders() {
        return Stream.of("['User:', '\\n']", "['\\n', 'User:']");
    }

    @Test
    void eachInputGetsItsOwnAnswerInOrder() {
        ScoreCall call = ScoreShapes.parse(json("{'inputs': {'input_string': ['a', 'b']}, 'parameters': {}}"),
                Task.TEXT_GENERATION, false);

        assertThat(ScoreShapes.format(call, Task.TEXT_GENERATION, List.of(generated("1"), generated("2"))))
                .isEqualTo(json("[{'0': '1'}, {'0': '2'}]"));
    }

    @Test
    void predictionsThatDoNotMatchTheCallAreTheRunnersFault() {
        ScoreCall call = ScoreShapes.parse(json("{'input_data': ['a', 'b']}"), Task.TEXT_CLASSIFICATION, false);

        assertThatThrownBy(() -> ScoreShapes.format(call, Task.TEXT_CLASSIFICATION, List.of(json("{'label': 'X', 'score': 1}"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("1 predictions for 2 inputs");
        assertThatThrownBy(() -> ScoreShapes.format(call, Task.TEXT_CLASSIFICATION,
                List.of(json("{'label': 'X', 'score': 1}"), json("{'label': 'Y'}"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without score");
    }

    // Summarization and translation: transformers' pipeline answers, search parameters, no sampling.

    @ParameterizedTest
    @EnumSource(value = Task.class, names = {"SUMMARIZATION", "TRANSLATION"})
    void summariesAndTranslationsAnswerAsTransformersPipelinesExceptForLangChainsStrings(Task task) {
        String key = task == Task.SUMMARIZATION ? "summary_text" : "translation_text";
        JsonNode[] predictions = {generated("one"), generated("two")};
        String pipelineAnswers = "[{'" + key + "': 'one'}, {'" + key + "': 'two'}]";
        // Hugging Face's, MLflow's and pandas' shapes all answer as the transformers pipeline does.
        for (String body : List.of("{'inputs': ['a', 'b']}", "{'input_data': ['a', 'b'], 'params': {}}",
                "{'input_data': {'columns': ['text'], 'data': [['a'], ['b']]}}")) {
            assertThat(answer(body, task, predictions)).as(body).isEqualTo(json(pipelineAnswers));
        }
        assertThat(ScoreShapes.format(ScoreShapes.parseInvocations(json("{'instances': ['a', 'b']}"), task), task,
                List.of(predictions))).isEqualTo(json("{'predictions': " + pipelineAnswers + "}"));
        // LangChain's formatters and prompt flow read strings.
        assertThat(answer("{'inputs': {'input_string': ['a', 'b']}}", task, predictions))
                .isEqualTo(json("[{'0': 'one'}, {'0': 'two'}]"));
        assertThat(answer("{'input_data': {'input_string': ['a', 'b']}, 'parameters': {}}", task, predictions))
                .isEqualTo(json("['one', 'two']"));
    }

    @Test
    void anEncoderDecodersSearchIsReadFromTransformersParameters() {
        ScoreCall call = ScoreShapes.parse(json("{'inputs': ['a'], 'parameters': {'max_new_tokens': 40, 'num_beams': 4,"
                + " 'min_length': 5, 'length_penalty': 2.0, 'no_repeat_ngram_size': 3, 'max_length': 60,"
                + " 'repetition_penalty': 1.2, 'do_sample': false, 'temperature': 0, 'seed': 7}}"), Task.SUMMARIZATION, false);
        assertThat(call.generation()).isEqualTo(PredictSpec.Generation.search(40, 1.2,
                new PredictSpec.Search(60, 5, 4, 2.0, 3)));
        assertThat(call.returnFullText()).isFalse();
        assertThat(ScoreShapes.parse(json("{'inputs': ['a']}"), Task.SUMMARIZATION, false).generation())
                .as("the model's own settings").isEqualTo(PredictSpec.Generation.search(null, null, null));
    }

    @Test
    void translationsTakeTheirLanguagesFromTheParametersUnlessAnInputNamesItsOwn() {
        ScoreCall call = ScoreShapes.parse(json("{'input_data': {'columns': ['text', 'targetLanguage'],"
                + " 'data': [['a', null], ['b', 'fr']]}, 'params': {'src_lang': 'en', 'tgt_lang': 'de'}}"),
                Task.TRANSLATION, false);
        assertThat(call.inputs()).containsExactly(Map.of("text", "a", "sourceLanguage", "en", "targetLanguage", "de"),
                Map.of("text", "b", "targetLanguage", "fr", "sourceLanguage", "en"));
        assertThat(refusal("{'inputs': ['a'], 'parameters': {'tgt_lang': 'de'}}", Task.SUMMARIZATION).problem())
                .startsWith("parameters.tgt_lang must be absent: only translation takes languages");
        assertThat(refusal("{'inputs': ['a'], 'parameters': {'tgt_lang': 7}}", Task.TRANSLATION).problem())
                .startsWith("parameters.tgt_lang must be a language code");
    }

    static Stream<Arguments> wrongSearches() {
        return Stream.of(
                Arguments.of("{'do_sample': true}", "parameters.do_sample is true, but summarization models search"),
                Arguments.of("{'temperature': 0.7}", "parameters.temperature is 0.7, but summarization models search"),
                Arguments.of("{'top_p': 0.9}", "parameters.top_p is 0.9, but"),
                Arguments.of("{'top_k': 5}", "parameters.top_k is 5, but"),
                Arguments.of("{'stop': ['.']}", "parameters.stop must be absent"),
                Arguments.of("{'return_full_text': true}", "parameters.return_full_text must be false or absent"),
                Arguments.of("{'num_beams': 0}", "parameters.num_beams must be an integer from 1 to 16"),
                Arguments.of("{'num_beams': 17}", "parameters.num_beams must be an integer from 1 to 16"),
                Arguments.of("{'min_length': -1}", "parameters.min_length must be an integer from 0 to 1024"),
                Arguments.of("{'max_length': 0}", "parameters.max_length must be an integer from 1 to 1025"),
                Arguments.of("{'length_penalty': 'long'}", "parameters.length_penalty must be a number from -10 to 10"),
                Arguments.of("{'no_repeat_ngram_size': 2.5}", "parameters.no_repeat_ngram_size must be an integer"),
                Arguments.of("{'max_new_tokens': 2000}", "parameters.max_new_tokens must be an integer from 1 to 1024"));
    }

    @ParameterizedTest
    @MethodSource("wrongSearches")
    void badSearchParametersAreRefusedByName(String parameters, String problem) {
        assertThat(refusal("{'inputs': ['a'], 'parameters': " + parameters + "}", Task.SUMMARIZATION).problem())
                .startsWith(problem);
    }

    // Rejections: each names what was wrong and lists the shapes the task accepts.

    @Test
    void aRejectionListsTheShapesOfTheTask() {
        ScoreShapeException textGeneration = refusal("['a']", Task.TEXT_GENERATION);
        ScoreShapeException questionAnswering = refusal("['a']", Task.QUESTION_ANSWERING);

        assertThat(textGeneration.problem()).isEqualTo("the body must be a JSON object; it is a list of 1 item");
        assertThat(textGeneration.getMessage()).startsWith(textGeneration.problem() + ". A text-generation endpoint accepts: ")
                .contains("{\"input_data\": [\"...\"], \"params\": {...}}").contains("\"role\": \"user\"");
        assertThat(textGeneration.acceptedShapes()).hasSize(7);
        assertThat(questionAnswering.acceptedShapes()).hasSize(3).allMatch(shape -> shape.contains("question"));
        assertThat(refusal("['a']", Task.TEXT_CLASSIFICATION).acceptedShapes()).hasSize(6).noneMatch(shape -> shape.contains("role"))
                .anyMatch(shape -> shape.contains("\"columns\": [\"text\", \"text2\"]"));
    }

    static Stream<Arguments> malformedBodies() {
        String tooMany = "[" + String.join(", ", Collections.nCopies(ScoreShapes.MAX_INPUTS + 1, "'a'")) + "]";
        return Stream.of(
                Arguments.of("'just text'", "the body must be a JSON object; it is \"just text\""),
                Arguments.of("{'data': ['a']}", "the body has neither input_data nor inputs"),
                Arguments.of("{'input_data': ['a'], 'inputs': ['a']}", "the body has both input_data and inputs"),
                Arguments.of("{'input_data': ['a'], 'parameters': {}}", "the body has parameters where it takes only input_data, params"),
                Arguments.of("{'inputs': ['a'], 'params': {}}", "the body has params where it takes only inputs, parameters"),
                Arguments.of("{'input_data': 'a'}", "input_data must be a list of texts, or an object with input_string, "
                        + "question and context, or columns and data; it is \"a\""),
                Arguments.of("{'input_data': {'text': 'a'}}", "; it is an object with text"),
                Arguments.of("{'inputs': 3}", "inputs must be a list of texts, or an object with input_string, "
                        + "or question and context; it is 3"),
                Arguments.of("{'input_data': []}", "input_data must be a list of 1 to 64 inputs; it is an empty list"),
                Arguments.of("{'inputs': {'input_string': []}}", "inputs.input_string must be a list of 1 to 64 inputs; it is an empty list"),
                Arguments.of("{'input_data': " + tooMany + "}", "input_data must be a list of 1 to 64 inputs; it is a list of 65 items"),
                Arguments.of("{'inputs': ['a', 3]}", "inputs[1] must be a non-empty string; it is 3"),
                Arguments.of("{'inputs': ['a', '']}", "inputs[1] must be a non-empty string; it is \"\""),
                Arguments.of("{'input_data': {'input_string': ['a', null]}}", "input_data.input_string[1] must be a non-empty string; it is null"),
                Arguments.of("{'input_data': {'input_string': 'a'}}", "input_data.input_string must be a list of 1 to 64 inputs; it is \"a\""),
                Arguments.of("{'input_data': {'input_string': ['a'], 'params': {}}}", "input_data has params where it takes only input_string, parameters"),
                Arguments.of("{'input_data': {'input_string': ['a'], 'parameters': {}}, 'parameters': {}}",
                        "parameters go either at the top or in input_data, not in both"),
                Arguments.of("{'inputs': {'input_string': ['a'], 'extra': 1}}", "inputs has extra where it takes only input_string"),
                Arguments.of("{'input_data': {'columns': 'text', 'data': [['a']]}}", "input_data.columns must be a list of column names; it is \"text\""),
                Arguments.of("{'input_data': {'columns': ['text', 'label'], 'data': [['a', 'b']]}}",
                        "input_data.columns names \"label\", which text-classification does not take; its columns are text, text2"),
                Arguments.of("{'input_data': {'columns': ['text2'], 'data': [['a']]}}",
                        "input_data.columns lacks text, which text-classification needs"),
                Arguments.of("{'input_data': {'columns': ['text', 'text'], 'data': [['a', 'b']]}}",
                        "input_data.columns names a column twice: text, text"),
                Arguments.of("{'input_data': {'columns': ['text', 'text2'], 'data': [['a', 'b'], ['c']]}}",
                        "input_data.data[1] must be a list of 2 values, one per column; it is a list of 1 item"),
                Arguments.of("{'input_data': {'columns': ['text'], 'data': []}}", "input_data.data must be a list of 1 to 64 inputs; it is an empty list"),
                Arguments.of("{'input_data': {'columns': ['text'], 'data': [['a']], 'orient': 'split'}}",
                        "input_data has orient where it takes only columns, index, data"),
                Arguments.of("{'input_data': {'question': 'q', 'context': 'c'}}",
                        "input_data holds a question and a context, which only question-answering takes; text-classification takes texts"),
                Arguments.of("{'inputs': {'question': ['q'], 'context': ['c']}}",
                        "inputs holds a question and a context, which only question-answering takes"),
                Arguments.of("{'input_data': {'input_string': [{'role': 'user', 'content': 'hi'}]}}",
                        "input_data.input_string holds chat messages, which only text-generation takes"),
                Arguments.of("{'input_data': ['a'], 'params': [1]}", "params must be an object; it is a list of 1 item"),
                Arguments.of("{'inputs': ['a'], 'parameters': 'x'}", "parameters must be an object; it is \"x\""));
    }

    @ParameterizedTest
    @MethodSource("malformedBodies")
    void malformedBodiesAreRefusedNamingWhatWasWrong(String body, String problem) {
        assertThat(refusal(body, Task.TEXT_CLASSIFICATION).problem()).contains(problem);
    }

    static Stream<Arguments> malformedQuestions() {
        return Stream.of(
                Arguments.of("{'input_data': {'question': 'q'}}", "input_data needs both question and context"),
                Arguments.of("{'inputs': {'context': ['c']}}", "inputs needs both question and context"),
                Arguments.of("{'input_data': {'question': 'q', 'context': ''}}", "input_data.context must be a non-empty string; it is \"\""),
                Arguments.of("{'input_data': {'question': ['q1', 'q2'], 'context': ['c1', 'c2', 'c3']}}",
                        "input_data.question and input_data.context must be lists of the same length, paired by position; "
                        + "they hold 2 and 3"),
                Arguments.of("{'inputs': {'question': 'q', 'context': ['c']}}",
                        "inputs.question and inputs.context must be both strings or both lists"),
                Arguments.of("{'inputs': {'question': [], 'context': []}}",
                        "inputs.question must be a list of 1 to 64 inputs; it is an empty list"),
                Arguments.of("{'inputs': {'question': ['q', 5], 'context': ['c', 'd']}}",
                        "inputs.question[1] must be a non-empty string; it is 5"),
                Arguments.of("{'input_data': {'question': 'q', 'context': 'c', 'id': 1}}",
                        "input_data has id where it takes only question, context"),
                Arguments.of("{'input_data': ['a']}", "input_data holds texts, but question-answering takes a question and a context per input"),
                Arguments.of("{'inputs': {'input_string': ['a']}}", "inputs.input_string holds texts, but question-answering takes"),
                Arguments.of("{'input_data': {'columns': ['prompt'], 'data': [['a']]}}",
                        "input_data.columns names \"prompt\", which question-answering does not take; its columns are question, context"),
                Arguments.of("{'input_data': {'columns': ['question'], 'data': [['a']]}}",
                        "input_data.columns lacks context, which question-answering needs"));
    }

    @ParameterizedTest
    @MethodSource("malformedQuestions")
    void questionAnsweringNeedsAQuestionAndAContextPerInput(String body, String problem) {
        assertThat(refusal(body, Task.QUESTION_ANSWERING).problem()).contains(problem);
    }

    static Stream<Arguments> wrongParameters() {
        return Stream.of(
                Arguments.of("{'temperature': 'hot'}", "temperature must be a number from 0 (greedy) to 5; it is \"hot\""),
                Arguments.of("{'temperature': -0.5}", "temperature must be a number from 0 (greedy) to 5; it is -0.5"),
                Arguments.of("{'temperature': 6}", "temperature must be a number from 0 (greedy) to 5; it is 6"),
                Arguments.of("{'max_new_tokens': 2000}", "max_new_tokens must be an integer from 1 to 1024; it is 2000"),
                Arguments.of("{'max_new_tokens': 0}", "max_new_tokens must be an integer from 1 to 1024; it is 0"),
                Arguments.of("{'max_new_tokens': 2.5}", "max_new_tokens must be an integer from 1 to 1024; it is 2.5"),
                Arguments.of("{'max_new_tokens': '20'}", "max_new_tokens must be an integer from 1 to 1024; it is \"20\""),
                Arguments.of("{'max_length': -1}", "max_length must be an integer from 1 to 1024; it is -1"),
                Arguments.of("{'top_p': 0}", "top_p must be a number over 0 and at most 1; it is 0"),
                Arguments.of("{'top_p': 1.5}", "top_p must be a number over 0 and at most 1; it is 1.5"),
                Arguments.of("{'top_k': 0}", "top_k must be an integer from 1 to 1000; it is 0"),
                Arguments.of("{'do_sample': 'yes'}", "do_sample must be true or false; it is \"yes\""),
                Arguments.of("{'return_full_text': 1}", "return_full_text must be true or false; it is 1"),
                Arguments.of("{'stop': ['\\n', 1]}", "stop must be a non-empty string or a list of them; it is a list of 2 items"),
                Arguments.of("{'stop': ''}", "stop must be a non-empty string or a list of them; it is \"\""),
                Arguments.of("{'seed': 'lucky'}", "seed must be an integer; it is \"lucky\""),
                Arguments.of("{'seed': 1e30}", "seed must be an integer; it is 1.0E30"));
    }

    @ParameterizedTest
    @MethodSource("wrongParameters")
    void wrongGenerationParametersAreNamedWhereTheyWere(String parameters, String problem) {
        assertThat(refusal("{'input_data': ['a'], 'params': " + parameters + "}", Task.TEXT_GENERATION).problem())
                .isEqualTo("params." + problem);
        assertThat(refusal("{'inputs': ['a'], 'parameters': " + parameters + "}", Task.TEXT_GENERATION).problem())
                .isEqualTo("parameters." + problem);
        assertThat(refusal("{'input_data': {'input_string': ['a'], 'parameters': " + parameters + "}}", Task.TEXT_GENERATION)
                .problem()).isEqualTo("input_data.parameters." + problem);
    }

    @Test
    void fillMaskCandidatesAreBounded() {
        assertThat(refusal("{'inputs': ['a [MASK]'], 'parameters': {'top_k': 51}}", Task.FILL_MASK).problem())
                .isEqualTo("parameters.top_k must be an integer from 1 to 50; it is 51");
    }

    @Test
    void chatMessagesMustAllBeMessages() {
        assertThat(refusal("{'input_data': {'input_string': [{'role': 'user', 'content': 'hi'}, 'there']}}", Task.TEXT_GENERATION)
                .problem()).isEqualTo("input_data.input_string[1] must be a message {\"role\", \"content\"} like the first; "
                + "it is \"there\"");
        assertThat(refusal("{'input_data': {'input_string': [{'role': 'user'}]}}", Task.TEXT_GENERATION).problem())
                .isEqualTo("input_data.input_string[0].content must be a non-empty string; it is absent");
        assertThat(refusal("{'input_data': {'input_string': ['hi', {'role': 'user', 'content': 'x'}]}}", Task.TEXT_GENERATION)
                .problem()).isEqualTo("input_data.input_string[1] must be a non-empty string; it is an object with role, content");
    }

    private static ScoreShapeException refusal(String body, Task task) {
        try {
            ScoreCall call = ScoreShapes.parse(json(body), task, false);
            throw new AssertionError(task.wireName() + " accepted " + body + " as " + call);
        } catch (ScoreShapeException e) {
            return e;
        }
    }

    private static PredictSpec.Generation generation(String parameters) {
        return ScoreShapes.parse(json("{'input_data': ['a'], 'params': " + parameters + "}"), Task.TEXT_GENERATION, false)
                .generation();
    }

    private static JsonNode answer(String body, Task task, JsonNode... predictions) {
        return ScoreShapes.format(ScoreShapes.parse(json(body), task, false), task, List.of(predictions));
    }

    private static JsonNode generated(String text) {
        ObjectNode prediction = JsonNodeFactory.instance.objectNode();
        prediction.put("generatedText", text).put("finishReason", "eos").put("newTokens", 2).put("promptTokens", 2);
        return prediction;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
