package io.modelcat.catalog.deploy.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenAI's completions and chat requests read for a text-generation deployment, without a server or a runner. */
class OpenAiCompletionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void parametersAskingForWhatADeploymentDoesNotGiveAreRefusedByName() {
        Map<String, String> completions = Map.of(
                "suffix", "\"suffix\": \" end\"",
                "best_of", "\"best_of\": 3",
                "presence_penalty", "\"presence_penalty\": 0.5",
                "frequency_penalty", "\"frequency_penalty\": -1",
                "logit_bias", "\"logit_bias\": {\"50256\": -100}");
        for (Map.Entry<String, String> refused : completions.entrySet()) {
            String body = "{\"model\": \"gpt\", \"prompt\": \"a\", " + refused.getValue() + "}";
            assertThatThrownBy(() -> OpenAiCompletions.parse(json(body), true)).as(body)
                    .isInstanceOf(OpenAiCompletions.Invalid.class)
                    .hasMessageStartingWith("'" + refused.getKey() + "' is not supported here: ")
                    .satisfies(e -> assertThat(((OpenAiCompletions.Invalid) e).param()).isEqualTo(refused.getKey()));
        }
        Map<String, String> chat = Map.of(
                "echo", "\"echo\": true",
                "tools", "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]",
                "tool_choice", "\"tool_choice\": \"required\"",
                "functions", "\"functions\": [{\"name\": \"f\"}]",
                "function_call", "\"function_call\": {\"name\": \"f\"}",
                "response_format", "\"response_format\": {\"type\": \"json_object\"}");
        for (Map.Entry<String, String> refused : chat.entrySet()) {
            String body = "{\"model\": \"gpt\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], "
                    + refused.getValue() + "}";
            assertThatThrownBy(() -> OpenAiCompletions.parseChat(json(body), true)).as(body)
                    .isInstanceOf(OpenAiCompletions.Invalid.class)
                    .satisfies(e -> assertThat(((OpenAiCompletions.Invalid) e).param()).isEqualTo(refused.getKey()));
        }
    }

    @Test
    void theNeutralValuesThatClientsSendByDefaultPass() {
        // What prompt flow's and LangChain's OpenAI calls carry when nothing is set, and parameters that change nothing.
        OpenAiCompletions.Call completion = OpenAiCompletions.parse(json("{\"model\": \"gpt\", \"prompt\": \"a\","
                + " \"presence_penalty\": 0, \"frequency_penalty\": 0.0, \"logit_bias\": {}, \"logprobs\": null,"
                + " \"best_of\": 2, \"n\": 2, \"echo\": false, \"suffix\": \"\", \"user\": \"\", \"top_p\": 1}"), true);
        assertThat(completion.n()).isEqualTo(2);
        OpenAiCompletions.Call chat = OpenAiCompletions.parseChat(json("{\"model\": \"gpt\", \"messages\":"
                + " [{\"role\": \"user\", \"content\": \"hi\"}], \"logprobs\": false, \"top_logprobs\": 0,"
                + " \"tools\": [], \"tool_choice\": \"none\", \"response_format\": {\"type\": \"text\"},"
                + " \"metadata\": {\"a\": \"b\"}, \"store\": false}"), true);
        assertThat(chat.messages()).hasSize(1);
        assertThat(completion.logprobs()).isNull();
        assertThat(chat.logprobs()).isNull();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
