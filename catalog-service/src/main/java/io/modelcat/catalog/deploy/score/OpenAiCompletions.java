package io.modelcat.catalog.deploy.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.jobs.spec.PredictSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * OpenAI's legacy completions API ({@code POST /v1/completions}) over a text-generation deployment:
 * the request read into prompts and generation settings, and the runner's generations written as a
 * {@code text_completion} object with {@code usage} and each choice's {@code finish_reason}.
 */
public final class OpenAiCompletions {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** OpenAI's default {@code max_tokens} for completions. */
    private static final int DEFAULT_MAX_TOKENS = 16;
    private static final int MAX_TOKENS = 1024;
    private static final int MAX_PROMPTS = 64;

    private OpenAiCompletions() {
    }

    /** A completions request understood: {@code n} generations of each prompt, in order. */
    public record Call(String model, List<String> prompts, int n, PredictSpec.Generation generation, List<String> stop,
                       boolean stream, boolean includeUsage) {

        /** What a runner is sent: each prompt {@code n} times (sampled generations differ by seed). */
        public ServeRequest serveRequest() {
            List<Map<String, String>> inputs = new ArrayList<>();
            for (String prompt : prompts) {
                for (int i = 0; i < n; i++) {
                    inputs.add(Map.of("text", prompt));
                }
            }
            return new ServeRequest(inputs, null, generation);
        }
    }

    /** An error in OpenAI's shape, naming the parameter. */
    public static final class Invalid extends RuntimeException {
        private final String param;

        public Invalid(String param, String message) {
            super(message);
            this.param = param;
        }

        public String param() {
            return param;
        }
    }

    public static Call parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new Invalid(null, "the body must be a JSON object with 'model' and 'prompt'");
        }
        String model = body.path("model").isTextual() ? body.get("model").asText() : null;
        if (model == null) {
            throw new Invalid("model", "'model' is required: a deployment's name, or the endpoint's name for its traffic split");
        }
        JsonNode p = body.get("prompt");
        List<String> prompts = new ArrayList<>();
        if (p != null && p.isTextual()) {
            prompts.add(p.asText());
        } else if (p != null && p.isArray() && !p.isEmpty() && p.size() <= MAX_PROMPTS) {
            for (JsonNode item : p) {
                if (!item.isTextual()) {
                    throw new Invalid("prompt", "'prompt' must be a string or a list of strings (token ids are not accepted)");
                }
                prompts.add(item.asText());
            }
        } else {
            throw new Invalid("prompt", "'prompt' must be a string or a list of 1 to " + MAX_PROMPTS + " strings");
        }
        int maxTokens = integer(body, "max_tokens", DEFAULT_MAX_TOKENS, 1, MAX_TOKENS);
        // One choice per prompt: several would need a seed each, which one request to a runner does not carry yet.
        int n = integer(body, "n", 1, 1, 1);
        Double temperature = number(body, "temperature", 0, 2);
        Double topP = number(body, "top_p", 0, 1);
        Long seed = body.hasNonNull("seed") ? seed(body) : null;
        // OpenAI samples unless the temperature is 0; greedy is what a temperature of 0 asks for.
        boolean greedy = temperature != null && temperature == 0;
        PredictSpec.Generation generation = greedy
                ? new PredictSpec.Generation(maxTokens, null, null, null, null)
                : new PredictSpec.Generation(maxTokens, temperature == null ? 1.0 : temperature, null,
                        topP == null || topP == 0 ? null : topP, seed);
        List<String> stop = new ArrayList<>();
        JsonNode s = body.get("stop");
        if (s != null && s.isTextual()) {
            stop.add(s.asText());
        } else if (s != null && s.isArray() && s.size() <= 4) {
            s.forEach(x -> {
                if (!x.isTextual()) {
                    throw new Invalid("stop", "'stop' must be a string or a list of up to 4 strings");
                }
                stop.add(x.asText());
            });
        } else if (s != null && !s.isNull()) {
            throw new Invalid("stop", "'stop' must be a string or a list of up to 4 strings");
        }
        if (body.has("stream") && !body.get("stream").isBoolean() && !body.get("stream").isNull()) {
            throw new Invalid("stream", "'stream' must be true or false");
        }
        boolean stream = body.path("stream").asBoolean(false);
        return new Call(model, prompts, n, generation, stop, stream,
                body.path("stream_options").path("include_usage").asBoolean(false));
    }

    /** One generated text cut at the first stop string, with why it ended. */
    public record Choice(String text, String finishReason) {
    }

    /** The runner's generations (one per prompt and {@code n}) as choices; the usage counts every generation. */
    public static List<Choice> choices(Call call, List<JsonNode> predictions) {
        List<Choice> choices = new ArrayList<>();
        for (JsonNode g : predictions) {
            String text = g.path("generatedText").asText("");
            String reason = "eos".equals(g.path("finishReason").asText()) ? "stop" : "length";
            int cut = -1;
            for (String stop : call.stop()) {
                int at = stop.isEmpty() ? -1 : text.indexOf(stop);
                if (at >= 0 && (cut < 0 || at < cut)) {
                    cut = at;
                }
            }
            if (cut >= 0) {
                text = text.substring(0, cut);
                reason = "stop";
            }
            choices.add(new Choice(text, reason));
        }
        return choices;
    }

    /** The {@code usage} object: prompt tokens once per prompt, completion tokens of every choice. */
    public static ObjectNode usage(Call call, List<JsonNode> predictions) {
        int prompt = 0;
        int completion = 0;
        for (int i = 0; i < predictions.size(); i++) {
            if (i % call.n() == 0) {
                prompt += predictions.get(i).path("promptTokens").asInt();
            }
            completion += predictions.get(i).path("newTokens").asInt();
        }
        ObjectNode usage = NODES.objectNode();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        return usage;
    }

    /** The whole {@code text_completion} answer. */
    public static ObjectNode completion(Call call, String deployment, List<JsonNode> predictions) {
        ObjectNode answer = header(deployment);
        ArrayNode list = answer.putArray("choices");
        List<Choice> choices = choices(call, predictions);
        for (int i = 0; i < choices.size(); i++) {
            list.add(choice(i, choices.get(i).text(), choices.get(i).finishReason()));
        }
        answer.set("usage", usage(call, predictions));
        return answer;
    }

    /**
     * The answer as server-sent events: one chunk per choice with its text and finish reason, the usage
     * chunk when asked for, then {@code [DONE]}. The text comes in one piece per choice: generation does
     * not report tokens as it makes them yet.
     */
    public static List<String> events(Call call, String deployment, List<JsonNode> predictions) {
        List<String> events = new ArrayList<>();
        ObjectNode first = header(deployment);
        List<Choice> choices = choices(call, predictions);
        for (int i = 0; i < choices.size(); i++) {
            ObjectNode chunk = first.deepCopy();
            chunk.putArray("choices").add(choice(i, choices.get(i).text(), choices.get(i).finishReason()));
            events.add(chunk.toString());
        }
        if (call.includeUsage()) {
            ObjectNode chunk = first.deepCopy();
            chunk.putArray("choices");
            chunk.set("usage", usage(call, predictions));
            events.add(chunk.toString());
        }
        events.add("[DONE]");
        return events;
    }

    /** An error as OpenAI's clients read it. */
    public static ObjectNode error(String message, String type, String param) {
        ObjectNode error = NODES.objectNode();
        ObjectNode inner = error.putObject("error");
        inner.put("message", message);
        inner.put("type", type);
        inner.put("param", param);
        inner.putNull("code");
        return error;
    }

    /** {@code GET /v1/models}: the endpoint's deployments as models. */
    public static ObjectNode models(List<String> deployments, long created) {
        ObjectNode list = NODES.objectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String d : deployments) {
            ObjectNode m = data.addObject();
            m.put("id", d);
            m.put("object", "model");
            m.put("created", created);
            m.put("owned_by", "modelcat");
        }
        return list;
    }

    private static ObjectNode header(String deployment) {
        ObjectNode answer = NODES.objectNode();
        answer.put("id", "cmpl-" + UUID.randomUUID().toString().replace("-", ""));
        answer.put("object", "text_completion");
        answer.put("created", System.currentTimeMillis() / 1000);
        answer.put("model", deployment);
        return answer;
    }

    private static ObjectNode choice(int index, String text, String finishReason) {
        ObjectNode c = NODES.objectNode();
        c.put("text", text);
        c.put("index", index);
        c.putNull("logprobs");
        c.put("finish_reason", finishReason);
        return c;
    }

    private static int integer(JsonNode body, String name, int fallback, int min, int max) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            throw new Invalid(name, "'" + name + "' must be an integer from " + min + " to " + max);
        }
        return v.asInt();
    }

    private static Double number(JsonNode body, String name, double min, double max) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw new Invalid(name, "'" + name + "' must be a number from " + min + " to " + max);
        }
        return v.asDouble();
    }

    private static Long seed(JsonNode body) {
        JsonNode v = body.get("seed");
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new Invalid("seed", "'seed' must be an integer");
        }
        return v.asLong();
    }
}
