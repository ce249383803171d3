package io.modelcat.catalog.deploy.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.jobs.serve.ServeEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runner events to OpenAI chunks: pieces as they come, stop strings cut exactly as the whole answer cuts them. */
class OpenAiStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode prediction(String text, String reason, int newTokens) {
        return JSON.createObjectNode().put("generatedText", text).put("finishReason", reason)
                .put("newTokens", newTokens).put("promptTokens", 3);
    }

    private static List<JsonNode> chunks(OpenAiStream stream) {
        List<JsonNode> chunks = new ArrayList<>();
        stream.forEachRemaining(data -> chunks.add(data.equals(OpenAiStream.DONE) ? null : read(data)));
        return chunks;
    }

    private static JsonNode read(String data) {
        try {
            return JSON.readTree(data);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String texts(List<JsonNode> chunks, int index, String field) {
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) {
            if (c != null && c.path("choices").size() == 1 && c.path("choices").get(0).path("index").asInt() == index) {
                JsonNode choice = c.path("choices").get(0);
                text.append(field.equals("text") ? choice.path("text").asText("") : choice.path("delta").path("content").asText(""));
            }
        }
        return text.toString();
    }

    @Test
    void textWaitsWhileItMayStartAStopStringAndNothingAfterTheStopIsSent() {
        OpenAiCompletions.Call call = OpenAiCompletions.parse(read(
                "{\"model\": \"m\", \"prompt\": \"p\", \"stop\": [\"END\", \"\\n\\n\"], \"temperature\": 0, \"stream\": true}"), true);
        String whole = "a b\nc E\nEN d EN\n\nignored";
        List<ServeEvent> events = new ArrayList<>();
        for (String piece : List.of("a b", "\n", "c E", "\n", "E", "N d ", "EN", "\n", "\n", "ignored")) {
            events.add(ServeEvent.delta(0, piece));
        }
        events.add(ServeEvent.prediction(0, prediction(whole, "max_new_tokens", 10)));
        List<JsonNode> chunks = chunks(new OpenAiStream(call, "blue", events.iterator()));

        OpenAiAnswers.Choice expected = OpenAiAnswers.choice(call, prediction(whole, "max_new_tokens", 10));
        assertThat(expected.text()).isEqualTo("a b\nc E\nEN d EN");
        assertThat(texts(chunks, 0, "text")).isEqualTo(expected.text());
        // "a b" goes at once; "\n" waits (it may begin "\n\n"); "c E" lets it go but keeps "E" (it may begin "END").
        assertThat(chunks.get(0).path("choices").get(0).path("text").asText()).isEqualTo("a b");
        assertThat(chunks.get(1).path("choices").get(0).path("text").asText()).isEqualTo("\nc ");
        assertThat(chunks).last().isNull();
        JsonNode finish = chunks.get(chunks.size() - 2).path("choices").get(0);
        assertThat(finish.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks.stream().filter(c -> c != null).map(c -> c.path("id").asText()).distinct()).hasSize(1);
    }

    @Test
    void chatChunksCarryTheRoleFirstAndEachChoiceEndsWithItsReasonThenTheUsage() {
        OpenAiCompletions.Call call = OpenAiCompletions.parseChat(read("{\"model\": \"m\", \"n\": 2, \"seed\": 5,"
                + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream\": true,"
                + " \"stream_options\": {\"include_usage\": true}}"), true);
        assertThat(call.serveRequest().seeds()).containsExactly(5L, OpenAiCompletions.choiceSeed(5, 1));
        Iterator<ServeEvent> events = List.of(ServeEvent.delta(0, "he"), ServeEvent.delta(0, "llo"),
                ServeEvent.prediction(0, prediction("hello", "eos", 3)), ServeEvent.delta(1, "yo"),
                ServeEvent.prediction(1, prediction("yo", "max_new_tokens", 2))).iterator();
        List<JsonNode> chunks = chunks(new OpenAiStream(call, "blue", events));

        assertThat(chunks.get(0).path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(chunks.get(0).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(texts(chunks, 0, "delta")).isEqualTo("hello");
        assertThat(texts(chunks, 1, "delta")).isEqualTo("yo");
        List<String> reasons = chunks.stream().filter(c -> c != null && c.path("choices").size() == 1)
                .map(c -> c.path("choices").get(0).path("finish_reason")).filter(r -> !r.isNull())
                .map(JsonNode::asText).toList();
        assertThat(reasons).containsExactly("stop", "length");
        JsonNode usage = chunks.get(chunks.size() - 2).path("usage");
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(5);
        assertThat(chunks.get(chunks.size() - 2).path("choices")).isEmpty();
    }

    @Test
    void aFailureInTheMiddleEndsTheStreamWithItsReason() {
        OpenAiCompletions.Call call = OpenAiCompletions.parse(read("{\"model\": \"m\", \"prompt\": \"p\", \"stream\": true}"), true);
        OpenAiStream stream = new OpenAiStream(call, "blue",
                List.of(ServeEvent.delta(0, "a"), ServeEvent.error(500, "the model failed")).iterator());
        assertThat(stream.next()).contains("\"text\":\"a\"");
        assertThatThrownBy(stream::next).isInstanceOf(OpenAiStream.Failed.class).hasMessage("the model failed");
    }

    @Test
    void choicesBeyondEightAndSeedsThatAreNotIntegersAreRefused() {
        assertThatThrownBy(() -> OpenAiCompletions.parse(read("{\"model\": \"m\", \"prompt\": \"p\", \"n\": 9}"), true))
                .isInstanceOf(OpenAiCompletions.Invalid.class).hasMessageContaining("'n'");
        OpenAiCompletions.Call greedy = OpenAiCompletions.parse(read("{\"model\": \"m\", \"prompt\": \"p\", \"n\": 3, \"temperature\": 0}"), true);
        assertThat(greedy.serveRequest().seeds()).isNull();
        assertThat(greedy.serveRequest().inputs()).hasSize(3);
    }

    @Test
    void aModelIsRequiredWhereOpenAisApiRequiresOne() {
        assertThatThrownBy(() -> OpenAiCompletions.parse(read("{\"prompt\": \"p\"}"), true))
                .isInstanceOf(OpenAiCompletions.Invalid.class).hasMessageContaining("'model' is required");
        assertThat(OpenAiCompletions.parse(read("{\"prompt\": \"p\"}"), false).model()).isNull();
        assertThat(OpenAiCompletions.parseChat(read("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"),
                false).model()).isNull();
        assertThatThrownBy(() -> OpenAiCompletions.parse(read("{\"model\": 3, \"prompt\": \"p\"}"), false))
                .isInstanceOf(OpenAiCompletions.Invalid.class).hasMessageContaining("'model'");
    }
}
