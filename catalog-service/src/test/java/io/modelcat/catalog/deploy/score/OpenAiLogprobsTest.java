package io.modelcat.catalog.deploy.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.jobs.serve.ServeEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Log-probabilities on the OpenAI routes: asked for as OpenAI's completions and chat APIs ask, passed to the runner,
 * and written from the runner's tokens as OpenAI writes them, whole and streamed, cut where the text is cut.
 */
class OpenAiLogprobsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void completionsAskWithAnIntegerAndChatWithTrueAndTopLogprobs() {
        assertThat(completion("\"logprobs\": 3").logprobs()).isEqualTo(3);
        assertThat(completion("\"logprobs\": 3").serveRequest().generation().logprobs()).isEqualTo(3);
        assertThat(completion("\"logprobs\": 0").logprobs()).isZero();
        assertThat(completion("\"logprobs\": null").logprobs()).isNull();
        assertThat(completion("\"logprobs\": false").logprobs()).isNull();
        assertThat(completion("\"top_logprobs\": 0").logprobs()).isNull();
        assertThat(chat("\"logprobs\": true").logprobs()).isZero();
        assertThat(chat("\"logprobs\": true, \"top_logprobs\": 20").logprobs()).isEqualTo(20);
        assertThat(chat("\"logprobs\": false, \"top_logprobs\": 0").logprobs()).isNull();

        refused(() -> completion("\"logprobs\": 6"), "logprobs", "'logprobs' must be an integer from 0 to 5");
        refused(() -> completion("\"logprobs\": true"), "logprobs", "'logprobs' must be an integer from 0 to 5");
        refused(() -> completion("\"top_logprobs\": 2"), "top_logprobs", "completions take 'logprobs': k");
        refused(() -> chat("\"logprobs\": 2"), "logprobs", "'logprobs' must be true or false");
        refused(() -> chat("\"top_logprobs\": 2"), "top_logprobs", "'top_logprobs' needs 'logprobs': true");
        refused(() -> chat("\"logprobs\": true, \"top_logprobs\": 21"), "top_logprobs",
                "'top_logprobs' must be an integer from 0 to 20");
        // A summarization or translation model searches and reports none.
        refused(() -> OpenAiCompletions.forTextToText(completion("\"logprobs\": 1"), read("{}"), "t5", "summarization"),
                "logprobs", "deployment 't5' serves summarization, whose model searches");
    }

    @Test
    void completionsEchoThePromptAndMayThenAskForNoNewToken() {
        assertThat(completion("\"echo\": true, \"logprobs\": 1, \"max_tokens\": 0").serveRequest().generation())
                .satisfies(g -> {
                    assertThat(g.maxNewTokens()).isZero();
                    assertThat(g.logprobs()).isEqualTo(1);
                    assertThat(g.promptLogprobs()).isTrue();
                });
        assertThat(completion("\"echo\": true").serveRequest().generation().promptLogprobs())
                .as("the text is echoed by the gateway; the runner is asked for nothing more").isNull();
        refused(() -> completion("\"max_tokens\": 0"), "max_tokens", "'max_tokens' must be an integer from 1 to");
        refused(() -> completion("\"echo\": \"yes\""), "echo", "'echo' must be true or false");
        refused(() -> completion("\"echo\": true, \"stream\": true"), "echo", "'echo' is not streamed");
        refused(() -> chat("\"echo\": true"), "echo", "chat completions do not echo");
        refused(() -> OpenAiCompletions.forTextToText(completion("\"echo\": true"), read("{}"), "t5", "translation"),
                "echo", "its prompt is not echoed");

        // "a b" echoed: its first token has no log-probability, and every offset counts from the prompt's start.
        ObjectNode prediction = (ObjectNode) prediction("c", token(3, "c", 0, -0.5, 3, -0.5));
        prediction.set("promptLogprobs", array(JSON.createObjectNode().put("id", 1).put("token", "a").put("offset", 0)
                .putNull("logprob").set("top", JSON.createArrayNode()), token(2, " b", 1, -1.5, 5, -1.0)));
        OpenAiCompletions.Call echoing = OpenAiCompletions.parse(read("{\"model\": \"m\", \"prompt\": \"a b\","
                + " \"echo\": true, \"logprobs\": 1}"), true);

        JsonNode choice = OpenAiAnswers.completion(echoing, "blue", List.of(prediction)).path("choices").get(0);

        assertThat(choice.path("text").asText()).isEqualTo("a bc");
        JsonNode logprobs = choice.path("logprobs");
        assertThat(texts(logprobs.path("tokens"))).containsExactly("a", " b", "c");
        assertThat(logprobs.path("token_logprobs").toString()).isEqualTo("[null,-1.5,-0.5]");
        assertThat(logprobs.path("top_logprobs").toString()).isEqualTo("[null,{\"a\":-1.0,\" b\":-1.5},{\"c\":-0.5}]");
        assertThat(logprobs.path("text_offset").toString()).isEqualTo("[0,1,3]");
        // Without log-probabilities, the text only.
        assertThat(OpenAiAnswers.completion(completion("\"echo\": true"), "blue", List.of(prediction("c")))
                .path("choices").get(0).path("text").asText()).isEqualTo("pc");
    }

    @Test
    void completionsListTokensLogprobsTheLikeliestWithTheChosenAndOffsetsFromThePromptsStart() {
        // The prompt holds a character outside the BMP: OpenAI's offsets count it once, as Python does.
        OpenAiCompletions.Call call = OpenAiCompletions.parse(read("{\"model\": \"m\", \"prompt\": \"hi 🐈\","
                + " \"logprobs\": 2, \"stop\": \"!\"}"), true);
        JsonNode prediction = prediction("a🐈b!c", token(5, "a", 0, -0.5, 5, -0.5, 6, -1.5),
                token(6, "🐈", 1, -2.0, 5, -0.25, 7, -1.0), token(7, "b", 3, -0.75, 7, -0.75, 5, -1.25),
                token(8, "!", 4, -0.1, 8, -0.1, 5, -3.0), token(9, "c", 5, -0.2, 9, -0.2, 5, -2.0));

        JsonNode choice = OpenAiAnswers.completion(call, "blue", List.of(prediction)).path("choices").get(0);

        assertThat(choice.path("text").asText()).isEqualTo("a🐈b");
        JsonNode logprobs = choice.path("logprobs");
        // The tokens from the stop string on are not the answer's.
        assertThat(texts(logprobs.path("tokens"))).containsExactly("a", "🐈", "b");
        assertThat(logprobs.path("token_logprobs").toString()).isEqualTo("[-0.5,-2.0,-0.75]");
        // The likeliest two, and the chosen one when it is not among them.
        assertThat(logprobs.path("top_logprobs").get(0).toString()).isEqualTo("{\"a\":-0.5,\"c6\":-1.5}");
        assertThat(logprobs.path("top_logprobs").get(1).toString())
                .isEqualTo("{\"a\":-0.25,\"b\":-1.0,\"🐈\":-2.0}");
        // "hi 🐈" is 4 characters; the generated 🐈 is one.
        assertThat(logprobs.path("text_offset").toString()).isEqualTo("[4,5,6]");
    }

    @Test
    void chatListsEachTokenWithItsBytesAndTheLikeliest() {
        OpenAiCompletions.Call call = OpenAiCompletions.parseChat(read("{\"model\": \"m\", \"logprobs\": true,"
                + " \"top_logprobs\": 1, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"), true);
        JsonNode prediction = prediction("é!", token(4, "é", 0, -0.5, 4, -0.5), token(5, "!", 1, -1.0, 6, -0.9));

        JsonNode logprobs = OpenAiAnswers.completion(call, "blue", List.of(prediction)).path("choices").get(0)
                .path("logprobs");

        assertThat(logprobs.path("refusal").isNull()).isTrue();
        JsonNode content = logprobs.path("content");
        assertThat(content).hasSize(2);
        assertThat(content.get(0).toString()).isEqualTo("{\"token\":\"é\",\"logprob\":-0.5,\"bytes\":[195,169],"
                + "\"top_logprobs\":[{\"token\":\"é\",\"logprob\":-0.5,\"bytes\":[195,169]}]}");
        assertThat(content.get(1).path("top_logprobs").get(0).path("token").asText()).isEqualTo("c6");
        // Not asked for: null, as OpenAI answers.
        OpenAiCompletions.Call plain = OpenAiCompletions.parseChat(read("{\"model\": \"m\","
                + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"), true);
        assertThat(OpenAiAnswers.completion(plain, "blue", List.of(prediction)).path("choices").get(0)
                .path("logprobs").isNull()).isTrue();
    }

    @Test
    void streamedChunksCarryTheTokensBegunInThemAndAddUpToTheWholeAnswer() {
        for (String route : List.of("completions", "chat")) {
            String ask = route.equals("chat") ? "\"logprobs\": true, \"top_logprobs\": 1,"
                    + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]" : "\"logprobs\": 1, \"prompt\": \"p\"";
            String body = "{\"model\": \"m\", \"stream\": true, \"stop\": \"END\", " + ask + "}";
            OpenAiCompletions.Call call = route.equals("chat") ? OpenAiCompletions.parseChat(read(body), true)
                    : OpenAiCompletions.parse(read(body), true);
            JsonNode a = token(1, "a", 0, -0.1, 1, -0.1);
            JsonNode space = token(2, " E", 1, -0.2, 2, -0.2);
            JsonNode x = token(3, "x ", 3, -0.3, 3, -0.3);
            JsonNode end = token(4, "END", 5, -0.4, 4, -0.4);
            // "E" may begin "END": " " goes at once with the token " E" (which begins there), "E" waits and goes with
            // "x "; the stop string's token is not sent.
            List<ServeEvent> events = List.of(ServeEvent.delta(0, "a", array(a)), ServeEvent.delta(0, " E", array(space)),
                    ServeEvent.delta(0, "x ", array(x)), ServeEvent.delta(0, "END", array(end)),
                    ServeEvent.prediction(0, prediction("a Ex END", a, space, x, end)));
            List<JsonNode> chunks = new ArrayList<>();
            new OpenAiStream(call, "blue", events.iterator()).forEachRemaining(data -> {
                if (!data.equals(OpenAiStream.DONE)) {
                    chunks.add(read(data).path("choices").get(0));
                }
            });
            JsonNode whole = OpenAiAnswers.completion(call, "blue", List.of(prediction("a Ex END", a, space, x, end)))
                    .path("choices").get(0).path("logprobs");

            List<String> streamedTokens = new ArrayList<>();
            List<String> chunkTexts = new ArrayList<>();
            for (JsonNode chunk : chunks) {
                JsonNode logprobs = chunk.path("logprobs");
                String text = route.equals("chat") ? chunk.path("delta").path("content").asText("")
                        : chunk.path("text").asText("");
                if (!logprobs.isNull()) {
                    List<String> tokens = new ArrayList<>();
                    if (route.equals("chat")) {
                        logprobs.path("content").forEach(entry -> tokens.add(entry.path("token").asText()));
                    } else {
                        tokens.addAll(texts(logprobs.path("tokens")));
                    }
                    streamedTokens.addAll(tokens);
                    chunkTexts.add(text + "=" + tokens);
                }
            }
            assertThat(streamedTokens).as(route).containsExactly("a", " E", "x ");
            assertThat(chunkTexts).as(route).containsExactly("a=[a]", " =[ E]", "Ex =[x ]");
            if (route.equals("chat")) {
                assertThat(whole.path("content")).hasSize(3);
            } else {
                assertThat(texts(whole.path("tokens"))).containsExactly("a", " E", "x ");
                assertThat(whole.path("text_offset").toString()).isEqualTo("[1,2,4]");
            }
        }
    }

    @Test
    void anEndOfSequenceTokenIsListedLastAtTheTextsEndAndStreamedWithTheFinishReason() {
        OpenAiCompletions.Call call = completion("\"logprobs\": 0, \"stream\": true");
        JsonNode hi = token(1, "hi", 0, -0.1);
        JsonNode eos = token(2, "</s>", 2, -0.2);
        JsonNode prediction = ((ObjectNode) prediction("hi", hi, eos)).put("finishReason", "eos");

        JsonNode whole = OpenAiAnswers.completion(call, "blue", List.of(prediction)).path("choices").get(0);
        assertThat(whole.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(texts(whole.path("logprobs").path("tokens"))).containsExactly("hi", "</s>");
        assertThat(whole.path("logprobs").path("text_offset").toString()).isEqualTo("[1,3]");

        // The runner's deltas carry no token that adds no text: it goes with the finish reason.
        List<JsonNode> chunks = new ArrayList<>();
        List<ServeEvent> events = List.of(ServeEvent.delta(0, "hi", array(hi)), ServeEvent.prediction(0, prediction));
        new OpenAiStream(call, "blue", events.iterator()).forEachRemaining(data -> {
            if (!data.equals(OpenAiStream.DONE)) {
                chunks.add(read(data).path("choices").get(0));
            }
        });
        assertThat(chunks).hasSize(2);
        assertThat(texts(chunks.get(0).path("logprobs").path("tokens"))).containsExactly("hi");
        assertThat(chunks.get(1).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(texts(chunks.get(1).path("logprobs").path("tokens"))).containsExactly("</s>");
        assertThat(chunks.get(1).path("logprobs").path("text_offset").toString()).isEqualTo("[3]");
    }

    @Test
    void promptsMayBeTokenIdsAsEvaluationHarnessesSendThem() {
        OpenAiCompletions.Call one = OpenAiCompletions.parse(
                read("{\"model\": \"m\", \"prompt\": [5, 0, 7], \"n\": 2}"), true);
        assertThat(one.promptIds()).containsExactly(List.of(5L, 0L, 7L));
        assertThat(one.serveRequest().promptIds()).containsExactly(List.of(5L, 0L, 7L), List.of(5L, 0L, 7L));
        assertThat(one.serveRequest().inputs()).containsOnly(java.util.Map.of());
        OpenAiCompletions.Call two = OpenAiCompletions.parse(read("{\"model\": \"m\", \"prompt\": [[1, 2], [3]]}"),
                true);
        assertThat(two.serveRequest().promptIds()).containsExactly(List.of(1L, 2L), List.of(3L));
        for (String bad : List.of("[1, \"a\"]", "[-1]", "[[]]", "[[1], \"a\"]", "[1.5]", "[]")) {
            refused(() -> OpenAiCompletions.parse(read("{\"model\": \"m\", \"prompt\": " + bad + "}"), true), "prompt",
                    "'prompt' must be a string, a list of 1 to 64 strings, a list of token ids, or a list of 1 to 64 "
                            + "lists of token ids");
        }
        refused(() -> OpenAiCompletions.parse(read("{\"model\": \"m\", \"prompt\": [1], \"logprobs\": 1,"
                + " \"stream\": true}"), true), "prompt", "are not streamed");
        refused(() -> OpenAiCompletions.forTextToText(two, read("{}"), "t5", "translation"), "prompt",
                "whose prompts are texts");

        // Echoed, the prompt is the runner's decoding of the ids, and the offsets count from it.
        OpenAiCompletions.Call echoing = OpenAiCompletions.parse(read("{\"model\": \"m\", \"prompt\": [4, 9],"
                + " \"echo\": true, \"logprobs\": 0}"), true);
        ObjectNode prediction = (ObjectNode) prediction("c", token(3, "c", 0, -0.5));
        prediction.put("promptText", "a b");
        prediction.set("promptLogprobs", array(JSON.createObjectNode().put("id", 4).put("token", "a").put("offset", 0)
                .putNull("logprob").set("top", JSON.createArrayNode()), token(9, " b", 1, -1.5)));
        JsonNode choice = OpenAiAnswers.completion(echoing, "blue", List.of(prediction)).path("choices").get(0);
        assertThat(choice.path("text").asText()).isEqualTo("a bc");
        assertThat(choice.path("logprobs").path("text_offset").toString()).isEqualTo("[0,1,3]");
        // Not echoed: the offsets still count from the prompt's start.
        OpenAiCompletions.Call plain = OpenAiCompletions.parse(read("{\"model\": \"m\", \"prompt\": [4, 9],"
                + " \"logprobs\": 0}"), true);
        assertThat(OpenAiAnswers.completion(plain, "blue", List.of(prediction)).path("choices").get(0)
                .path("logprobs").path("text_offset").toString()).isEqualTo("[3]");
    }

    private static OpenAiCompletions.Call completion(String settings) {
        return OpenAiCompletions.parse(read("{\"model\": \"m\", \"prompt\": \"p\", " + settings + "}"), true);
    }

    private static OpenAiCompletions.Call chat(String settings) {
        return OpenAiCompletions.parseChat(read("{\"model\": \"m\", \"messages\": [{\"role\": \"user\","
                + " \"content\": \"hi\"}], " + settings + "}"), true);
    }

    private static void refused(Runnable call, String param, String message) {
        assertThatThrownBy(call::run).isInstanceOf(OpenAiCompletions.Invalid.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(((OpenAiCompletions.Invalid) e).param()).isEqualTo(param));
    }

    /** A runner's token: its id, text, offset and log-probability, then the likeliest (id, log-probability) pairs. */
    private static JsonNode token(long id, String text, int offset, double logprob, double... top) {
        ObjectNode token = JSON.createObjectNode().put("id", id).put("token", text).put("offset", offset)
                .put("logprob", logprob);
        ArrayNode candidates = token.putArray("top");
        for (int i = 0; i < top.length; i += 2) {
            long candidate = (long) top[i];
            String candidateText = candidate == id ? text : candidate == 5 ? "a" : candidate == 7 ? "b" : "c" + candidate;
            candidates.addObject().put("id", candidate).put("token", candidateText).put("logprob", top[i + 1]);
        }
        return token;
    }

    private static JsonNode prediction(String text, JsonNode... tokens) {
        ObjectNode prediction = JSON.createObjectNode().put("generatedText", text).put("finishReason", "max_new_tokens")
                .put("newTokens", tokens.length).put("promptTokens", 1);
        prediction.set("logprobs", array(tokens));
        return prediction;
    }

    private static ArrayNode array(JsonNode... items) {
        ArrayNode array = JSON.createArrayNode();
        for (JsonNode item : items) {
            array.add(item);
        }
        return array;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
