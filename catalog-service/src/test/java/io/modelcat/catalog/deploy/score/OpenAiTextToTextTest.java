package io.modelcat.catalog.deploy.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.jobs.spec.PredictSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenAI's completions read for a summarization or translation deployment, without a server or a runner. */
class OpenAiTextToTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static OpenAiCompletions.Call read(String body) {
        JsonNode json = json(body);
        return OpenAiCompletions.forTextToText(OpenAiCompletions.parse(json, true), json, "t5", "summarization");
    }

    @Test
    void eachPromptIsATextAndTheModelsSearchHoldsUnlessMaxTokensIsGiven() {
        OpenAiCompletions.Call call = read("{\"model\": \"t5\", \"prompt\": [\"one\", \"two\"], \"n\": 2}");
        assertThat(call.generation()).isEqualTo(PredictSpec.Generation.search(null, null, null));
        assertThat(call.seed()).isNull();
        assertThat(call.serveRequest().inputs()).containsExactly(Map.of("text", "one"), Map.of("text", "one"),
                Map.of("text", "two"), Map.of("text", "two"));
        assertThat(call.serveRequest().seeds()).isNull();
        assertThat(read("{\"model\": \"t5\", \"prompt\": \"one\", \"max_tokens\": 40, \"temperature\": 0, \"top_p\": 1}")
                .generation().maxNewTokens()).isEqualTo(40);
    }

    @Test
    void samplingStopStreamingAndChatAreRefusedNamingTheParameter() {
        for (Map.Entry<String, String> refused : Map.of(
                "temperature", "{\"model\": \"t5\", \"prompt\": \"a\", \"temperature\": 0.5}",
                "top_p", "{\"model\": \"t5\", \"prompt\": \"a\", \"top_p\": 0.9}",
                "stop", "{\"model\": \"t5\", \"prompt\": \"a\", \"stop\": \".\"}",
                "stream", "{\"model\": \"t5\", \"prompt\": \"a\", \"stream\": true}").entrySet()) {
            assertThatThrownBy(() -> read(refused.getValue())).isInstanceOf(OpenAiCompletions.Invalid.class)
                    .hasMessageContaining("deployment 't5' serves summarization")
                    .satisfies(e -> assertThat(((OpenAiCompletions.Invalid) e).param()).isEqualTo(refused.getKey()));
        }
        JsonNode chat = json("{\"model\": \"t5\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        assertThatThrownBy(() -> OpenAiCompletions.forTextToText(OpenAiCompletions.parseChat(chat, true), chat, "t5",
                "translation")).isInstanceOf(OpenAiCompletions.Invalid.class).hasMessageContaining("no chat template")
                .satisfies(e -> assertThat(((OpenAiCompletions.Invalid) e).param()).isEqualTo("messages"));
    }

    @Test
    void usageCountsAnEncoderDecodersSourceAsThePrompt() {
        OpenAiCompletions.Call call = read("{\"model\": \"t5\", \"prompt\": \"one\"}");
        JsonNode prediction = json("{\"generatedText\": \"a summary\", \"newTokens\": 3, \"sourceTokens\": 9,"
                + " \"finishReason\": \"stop\"}");
        JsonNode answer = OpenAiAnswers.completion(call, "t5", List.of(prediction));
        assertThat(answer.path("choices").get(0).path("text").asText()).isEqualTo("a summary");
        assertThat(answer.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(answer.path("usage")).isEqualTo(json("{\"prompt_tokens\": 9, \"completion_tokens\": 3, \"total_tokens\": 12}"));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
