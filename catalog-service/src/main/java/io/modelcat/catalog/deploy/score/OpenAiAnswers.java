package io.modelcat.catalog.deploy.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A runner's generations written as OpenAI answers them: a {@code text_completion} or a
 * {@code chat.completion} object with each choice's {@code finish_reason}, its {@code logprobs} when asked for, and
 * the {@code usage}, or (for {@code stream: true}) the chunks of {@link OpenAiStream}.
 */
public final class OpenAiAnswers {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenAiAnswers() {
    }

    /**
     * One generated text cut at the first stop string, with why it ended.
     *
     * @param tokens when log-probabilities are asked for, the runner's tokens (the end-of-sequence token included),
     *               but those from a stop string on, each {@code {"id", "token", "offset", "logprob", "top": [...]}}
     *               (see ServeResponse); null otherwise
     */
    public record Choice(String text, String finishReason, List<JsonNode> tokens) {
    }

    /** A generation (a runner's prediction) as a choice: its text cut at the earliest stop string. */
    public static Choice choice(OpenAiCompletions.Call call, JsonNode prediction) {
        String text = prediction.path("generatedText").asText("");
        String finish = prediction.path("finishReason").asText();
        String reason = "eos".equals(finish) || "stop".equals(finish) ? "stop" : "length";
        int cut = firstStop(call.stop(), text);
        String kept = cut >= 0 ? text.substring(0, cut) : text;
        List<JsonNode> tokens = null;
        if (call.logprobs() != null) {
            tokens = new ArrayList<>();
            for (JsonNode token : prediction.path("logprobs")) {
                if (cut < 0 || token.path("offset").asInt() < kept.length()) {
                    tokens.add(token);
                }
            }
        }
        return new Choice(kept, cut >= 0 ? "stop" : reason, tokens);
    }

    /**
     * A completion's choice with its prompt before its text (OpenAI's {@code echo}), and with log-probabilities, the
     * prompt's tokens (the runner's {@code promptLogprobs}) before its own, whose offsets then count from the prompt's
     * start.
     */
    private static Choice echoed(OpenAiCompletions.Call call, int index, Choice choice, JsonNode prediction) {
        String prompt = promptText(call, index, prediction);
        if (choice.tokens() == null) {
            return new Choice(prompt + choice.text(), choice.finishReason(), null);
        }
        List<JsonNode> tokens = new ArrayList<>();
        prediction.path("promptLogprobs").forEach(tokens::add);
        for (JsonNode token : choice.tokens()) {
            tokens.add(((ObjectNode) token.deepCopy()).put("offset", prompt.length() + token.path("offset").asInt()));
        }
        return new Choice(prompt + choice.text(), choice.finishReason(), tokens);
    }

    /**
     * Tokens' log-probabilities as OpenAI writes them in choice {@code index} (or a chunk of it): for a chat
     * {@code {"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}]}}; for completions the lists
     * {@code tokens}, {@code token_logprobs}, {@code top_logprobs} (the likeliest tokens and the chosen one, by text)
     * and {@code text_offset} (in characters from the start of the prompt, as OpenAI counts them). An echoed
     * prompt's first token has a null log-probability and a null entry in {@code top_logprobs}, as OpenAI writes it.
     *
     * @param prompt the choice's prompt as text (null for a chat)
     * @param text   the choice's text, which the tokens' offsets point into (with an echo, the prompt and the text)
     */
    static ObjectNode logprobs(OpenAiCompletions.Call call, String prompt, String text, List<JsonNode> tokens) {
        ObjectNode logprobs = NODES.objectNode();
        if (call.chat()) {
            ArrayNode content = logprobs.putArray("content");
            for (JsonNode token : tokens) {
                ObjectNode entry = entry(token);
                ArrayNode top = entry.putArray("top_logprobs");
                token.path("top").forEach(candidate -> top.add(entry(candidate)));
                content.add(entry);
            }
            logprobs.putNull("refusal");
            return logprobs;
        }
        int base = call.echo() ? 0 : prompt.codePointCount(0, prompt.length());
        ArrayNode strings = logprobs.putArray("tokens");
        ArrayNode values = logprobs.putArray("token_logprobs");
        ArrayNode tops = logprobs.putArray("top_logprobs");
        ArrayNode offsets = logprobs.putArray("text_offset");
        for (JsonNode token : tokens) {
            strings.add(token.path("token").asText());
            int offset = Math.min(token.path("offset").asInt(), text.length());
            offsets.add(base + text.codePointCount(0, offset));
            if (token.path("logprob").isNull()) {
                values.addNull();
                tops.addNull();
                continue;
            }
            values.add(token.path("logprob").asDouble());
            ObjectNode top = tops.addObject();
            token.path("top").forEach(c -> {
                if (!top.has(c.path("token").asText())) {
                    top.put(c.path("token").asText(), c.path("logprob").asDouble());
                }
            });
            if (!top.has(token.path("token").asText())) {
                top.put(token.path("token").asText(), token.path("logprob").asDouble());
            }
        }
        return logprobs;
    }

    /**
     * Choice {@code index}'s prompt as text: as sent, or for a prompt sent as token ids, as the runner decoded it in
     * {@code prediction}; null for a chat.
     */
    static String promptText(OpenAiCompletions.Call call, int index, JsonNode prediction) {
        if (call.chat()) {
            return null;
        }
        return call.prompts() != null ? call.prompts().get(index / call.n()) : prediction.path("promptText").asText("");
    }

    /** A chat token entry: its text, log-probability and the UTF-8 bytes of its text. */
    private static ObjectNode entry(JsonNode token) {
        ObjectNode entry = NODES.objectNode();
        String text = token.path("token").asText();
        entry.put("token", text);
        entry.put("logprob", token.path("logprob").asDouble());
        ArrayNode bytes = entry.putArray("bytes");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xFF);
        }
        return entry;
    }

    /** Where the earliest stop string starts in {@code text}, or -1. */
    static int firstStop(List<String> stops, String text) {
        int cut = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        return cut;
    }

    /** The {@code usage} object: prompt tokens once per prompt, completion tokens of every choice. */
    public static ObjectNode usage(OpenAiCompletions.Call call, List<JsonNode> predictions) {
        int prompt = 0;
        int completion = 0;
        for (int i = 0; i < predictions.size(); i++) {
            if (i % call.n() == 0) {
                // An encoder-decoder's prompt is its source (with the task prefix).
                JsonNode p = predictions.get(i);
                prompt += (p.has("promptTokens") ? p.path("promptTokens") : p.path("sourceTokens")).asInt();
            }
            completion += predictions.get(i).path("newTokens").asInt();
        }
        ObjectNode usage = NODES.objectNode();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        return usage;
    }

    /** The whole answer: {@code text_completion}, or {@code chat.completion} for a chat. */
    public static ObjectNode completion(OpenAiCompletions.Call call, String deployment, List<JsonNode> predictions) {
        ObjectNode answer = header(call, deployment, false);
        ArrayNode list = answer.putArray("choices");
        List<Choice> choices = new ArrayList<>();
        for (int i = 0; i < predictions.size(); i++) {
            Choice choice = choice(call, predictions.get(i));
            choices.add(call.echo() ? echoed(call, i, choice, predictions.get(i)) : choice);
        }
        for (int i = 0; i < choices.size(); i++) {
            ObjectNode c = list.addObject();
            c.put("index", i);
            if (call.chat()) {
                ObjectNode message = c.putObject("message");
                message.put("role", "assistant");
                message.put("content", choices.get(i).text());
                message.putNull("refusal");
            } else {
                c.put("text", choices.get(i).text());
            }
            Choice choice = choices.get(i);
            if (choice.tokens() == null) {
                c.putNull("logprobs");
            } else {
                c.set("logprobs", logprobs(call, promptText(call, i, predictions.get(i)), choice.text(),
                        choice.tokens()));
            }
            c.put("finish_reason", choice.finishReason());
        }
        answer.set("usage", usage(call, predictions));
        return answer;
    }

    /** The fields every answer or chunk starts with; a stream's chunks share one id. */
    static ObjectNode header(OpenAiCompletions.Call call, String deployment, boolean chunk) {
        ObjectNode answer = NODES.objectNode();
        answer.put("id", (call.chat() ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", ""));
        answer.put("object", call.chat() ? chunk ? "chat.completion.chunk" : "chat.completion" : "text_completion");
        answer.put("created", System.currentTimeMillis() / 1000);
        answer.put("model", deployment);
        return answer;
    }
}
