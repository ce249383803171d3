package io.modelcat.catalog.deploy.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A runner's generations written as OpenAI answers them: a {@code text_completion} or a
 * {@code chat.completion} object with each choice's {@code finish_reason} and the {@code usage}, or (for
 * {@code stream: true}) the chunks of {@link OpenAiStream}.
 */
public final class OpenAiAnswers {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenAiAnswers() {
    }

    /** One generated text cut at the first stop string, with why it ended. */
    public record Choice(String text, String finishReason) {
    }

    /** A generation (a runner's prediction) as a choice: its text cut at the earliest stop string. */
    public static Choice choice(OpenAiCompletions.Call call, JsonNode prediction) {
        String text = prediction.path("generatedText").asText("");
        String finish = prediction.path("finishReason").asText();
        String reason = "eos".equals(finish) || "stop".equals(finish) ? "stop" : "length";
        int cut = firstStop(call.stop(), text);
        return cut >= 0 ? new Choice(text.substring(0, cut), "stop") : new Choice(text, reason);
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
        predictions.forEach(p -> choices.add(choice(call, p)));
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
            c.putNull("logprobs");
            c.put("finish_reason", choices.get(i).finishReason());
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
