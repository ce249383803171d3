package io.modelcat.catalog.deploy.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.jobs.spec.ChatMessage;
import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.jobs.spec.PredictSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * OpenAI's completions APIs over a text-generation deployment: the legacy {@code POST /v1/completions}
 * (prompts) and {@code POST /v1/chat/completions} (a conversation, which the runner renders with the
 * model's chat template), read into what a runner is sent; completions also over a summarization or translation
 * deployment ({@link #forTextToText}). {@link OpenAiAnswers} writes the answers.
 */
public final class OpenAiCompletions {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** OpenAI's default {@code max_tokens} for completions. */
    private static final int DEFAULT_MAX_TOKENS = 16;
    /** Chat has no default length at OpenAI (the context's end); here as many as a completion may ask for. */
    private static final int DEFAULT_CHAT_TOKENS = 256;
    private static final int MAX_TOKENS = 1024;
    private static final int MAX_PROMPTS = 64;
    /** The most choices per prompt. */
    public static final int MAX_N = 8;
    private static final int MAX_MESSAGES = 256;
    /** How many of the likeliest tokens may be reported per step: OpenAI's limits for completions and for chat. */
    private static final int MAX_COMPLETION_LOGPROBS = 5;
    private static final int MAX_TOP_LOGPROBS = 20;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private OpenAiCompletions() {
    }

    /**
     * A completions request understood: {@code n} generations of each prompt (texts, or token ids in
     * {@code promptIds}), in order; for a chat, one conversation ({@code messages}) in place of the prompts.
     *
     * @param seed the sampling seed of the first choice of each prompt (null when greedy); the others derive
     *             from it ({@link #choiceSeed})
     * @param echo completions: each choice's text starts with its prompt (and its log-probabilities with the prompt's)
     */
    public record Call(String model, List<String> prompts, List<List<Long>> promptIds, List<ChatMessage> messages,
                       int n, PredictSpec.Generation generation, Long seed, List<String> stop, boolean stream,
                       boolean includeUsage, boolean echo) {

        public boolean chat() {
            return messages != null;
        }

        /** Null when log-probabilities are not asked for, else how many of the likeliest tokens to report per token. */
        public Integer logprobs() {
            return generation.logprobs();
        }

        /** How many prompts: one for a chat. */
        public int promptCount() {
            return chat() ? 1 : prompts != null ? prompts.size() : promptIds.size();
        }

        /** What a runner is sent: each prompt (or the conversation) {@code n} times, each choice with its own seed. */
        public ServeRequest serveRequest() {
            List<Map<String, String>> inputs = new ArrayList<>();
            List<Long> seeds = seed == null ? null : new ArrayList<>();
            List<List<Long>> ids = promptIds == null ? null : new ArrayList<>();
            for (int p = 0; p < promptCount(); p++) {
                for (int i = 0; i < n; i++) {
                    inputs.add(prompts == null ? Map.of() : Map.of("text", prompts.get(p)));
                    if (seeds != null) {
                        seeds.add(choiceSeed(seed, i));
                    }
                    if (ids != null) {
                        ids.add(promptIds.get(p));
                    }
                }
            }
            return new ServeRequest(inputs, null, generation, seeds, messages, ids);
        }
    }

    /**
     * The seed of choice {@code choice}: the request's seed for the first, so that {@code n: 1} samples as
     * the scoring route and "Try it" do with that seed; a mix of both for the others.
     */
    public static long choiceSeed(long seed, int choice) {
        if (choice == 0) {
            return seed;
        }
        long z = seed + choice * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Refuses, naming it, a parameter that asks for what a deployment does not give, rather than answering as if it
     * had not been sent: a suffix, best-of selection, penalties, a logit bias, tools or functions, a response format
     * other than text. Each one's neutral value (what OpenAI's clients send by default, as prompt
     * flow sends penalties of 0 and an empty {@code logit_bias}) passes; parameters that change nothing in the answer
     * ({@code user}, {@code metadata}, ...) pass too.
     */
    private static void refuseWhatIsNotGiven(JsonNode body, int n) {
        refuseUnless(body, "suffix", v -> v.isTextual() && v.asText().isEmpty(), "a suffix (text that follows the "
                + "completion, to insert between it and the prompt) is not taken");
        refuseUnless(body, "best_of", v -> v.isIntegralNumber() && (v.asInt() == 1 || v.asInt() == n),
                "choices are not drawn beyond 'n' to return the best ones");
        for (String penalty : List.of("presence_penalty", "frequency_penalty")) {
            refuseUnless(body, penalty, v -> v.isNumber() && v.asDouble() == 0, "penalties are not applied "
                    + "(a text-generation deployment's repetition_penalty is set through /score)");
        }
        refuseUnless(body, "logit_bias", v -> v.isObject() && v.isEmpty(), "a logit bias is not applied");
        String noTools = "tools and functions are not passed to the model's chat template, nor tool calls read from "
                + "its answer";
        for (String tools : List.of("tools", "functions")) {
            refuseUnless(body, tools, v -> v.isArray() && v.isEmpty(), noTools);
        }
        for (String choice : List.of("tool_choice", "function_call")) {
            refuseUnless(body, choice, v -> v.isTextual() && List.of("none", "auto").contains(v.asText()), noTools);
        }
        refuseUnless(body, "response_format", v -> v.isObject() && "text".equals(v.path("type").asText()),
                "answers are free text: a JSON object or schema is not enforced");
    }

    private static void refuseUnless(JsonNode body, String name, Predicate<JsonNode> neutral, String why) {
        JsonNode value = body.get(name);
        if (value != null && !value.isNull() && !neutral.test(value)) {
            throw new Invalid(name, "'" + name + "' is not supported here: " + why + "; leave it out");
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

    /**
     * A {@code /v1/completions} request.
     *
     * @param modelRequired whether {@code model} must be given, as OpenAI's API wants; serverless-style routes
     *                      (Azure's {@code /completions}) take calls without one, which follow the traffic split
     */
    public static Call parse(JsonNode body, boolean modelRequired) {
        if (body == null || !body.isObject()) {
            throw new Invalid(null, "the body must be a JSON object with " + (modelRequired ? "'model' and " : "")
                    + "'prompt'");
        }
        String model = model(body, modelRequired);
        JsonNode p = body.get("prompt");
        List<String> prompts = null;
        List<List<Long>> promptIds = null;
        if (p != null && p.isTextual()) {
            prompts = List.of(p.asText());
        } else if (p != null && p.isArray() && !p.isEmpty() && p.size() <= MAX_PROMPTS
                && allOf(p, JsonNode::isTextual)) {
            prompts = new ArrayList<>();
            for (JsonNode item : p) {
                prompts.add(item.asText());
            }
        } else if (p != null && p.isArray() && !p.isEmpty() && allOf(p, OpenAiCompletions::isTokenId)) {
            promptIds = List.of(tokenIds(p));
        } else if (p != null && p.isArray() && !p.isEmpty() && p.size() <= MAX_PROMPTS
                && allOf(p, item -> item.isArray() && !item.isEmpty() && allOf(item, OpenAiCompletions::isTokenId))) {
            promptIds = new ArrayList<>();
            for (JsonNode item : p) {
                promptIds.add(tokenIds(item));
            }
        } else {
            throw new Invalid("prompt", "'prompt' must be a string, a list of 1 to " + MAX_PROMPTS + " strings, a list "
                    + "of token ids, or a list of 1 to " + MAX_PROMPTS + " lists of token ids");
        }
        boolean echo = echo(body);
        // With the prompt echoed, no new token is a question too: how likely is the prompt (as evaluation harnesses ask).
        int maxTokens = integer(body, "max_tokens", DEFAULT_MAX_TOKENS, echo ? 0 : 1, MAX_TOKENS);
        Integer logprobs = completionLogprobs(body);
        if (promptIds != null && logprobs != null && body.path("stream").asBoolean(false)) {
            throw new Invalid("prompt", "log-probabilities of a prompt given as token ids are not streamed (their "
                    + "offsets count from the prompt's text, known at the end): call without stream, or send text");
        }
        return settings(body, model, prompts, promptIds, null, maxTokens, logprobs, echo);
    }

    private static boolean allOf(JsonNode array, Predicate<JsonNode> test) {
        for (JsonNode item : array) {
            if (!test.test(item)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTokenId(JsonNode value) {
        return value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 0;
    }

    private static List<Long> tokenIds(JsonNode array) {
        List<Long> ids = new ArrayList<>(array.size());
        array.forEach(id -> ids.add(id.asLong()));
        return ids;
    }

    /** Completions' {@code echo}: true or false; not streamed. */
    private static boolean echo(JsonNode body) {
        JsonNode value = body.get("echo");
        if (value != null && !value.isNull() && !value.isBoolean()) {
            throw new Invalid("echo", "'echo' must be true or false");
        }
        boolean echo = value != null && value.asBoolean();
        if (echo && body.path("stream").asBoolean(false)) {
            throw new Invalid("echo", "'echo' is not streamed: call without stream, or without echo");
        }
        return echo;
    }

    /**
     * Completions' {@code logprobs}: an integer k, the chosen tokens' log-probabilities and the k likeliest tokens' of
     * each step; absent, null or false for none. {@code top_logprobs} is chat's and is refused here unless 0.
     */
    private static Integer completionLogprobs(JsonNode body) {
        refuseUnless(body, "top_logprobs", v -> v.isNumber() && v.asDouble() == 0, "completions take 'logprobs': k "
                + "for the k likeliest tokens (chat takes 'logprobs': true with 'top_logprobs')");
        JsonNode value = body.get("logprobs");
        if (value == null || value.isNull() || (value.isBoolean() && !value.asBoolean())) {
            return null;
        }
        return integer(body, "logprobs", 0, 0, MAX_COMPLETION_LOGPROBS);
    }

    /** Chat's {@code logprobs} (true or false) and {@code top_logprobs} (how many likeliest tokens, with it only). */
    private static Integer chatLogprobs(JsonNode body) {
        JsonNode value = body.get("logprobs");
        if (value != null && !value.isNull() && !value.isBoolean()) {
            throw new Invalid("logprobs", "'logprobs' must be true or false (the likeliest tokens are 'top_logprobs')");
        }
        boolean asked = value != null && value.asBoolean();
        int top = integer(body, "top_logprobs", 0, 0, MAX_TOP_LOGPROBS);
        if (!asked && top > 0) {
            throw new Invalid("top_logprobs", "'top_logprobs' needs 'logprobs': true");
        }
        return asked ? top : null;
    }

    /** A {@code /v1/chat/completions} request; {@code modelRequired} as for {@link #parse}. */
    public static Call parseChat(JsonNode body, boolean modelRequired) {
        if (body == null || !body.isObject()) {
            throw new Invalid(null, "the body must be a JSON object with " + (modelRequired ? "'model' and " : "")
                    + "'messages'");
        }
        String model = model(body, modelRequired);
        JsonNode m = body.get("messages");
        if (m == null || !m.isArray() || m.isEmpty() || m.size() > MAX_MESSAGES) {
            throw new Invalid("messages", "'messages' must be a list of 1 to " + MAX_MESSAGES
                    + " messages, each {\"role\": ..., \"content\": ...}");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode message : m) {
            if (!message.path("role").isTextual()) {
                throw new Invalid("messages", "every message needs a 'role' (system, user, assistant, ...)");
            }
            messages.add(new ChatMessage(message.get("role").asText(), content(message.get("content"))));
        }
        int maxTokens = body.hasNonNull("max_completion_tokens")
                ? integer(body, "max_completion_tokens", DEFAULT_CHAT_TOKENS, 1, MAX_TOKENS)
                : integer(body, "max_tokens", DEFAULT_CHAT_TOKENS, 1, MAX_TOKENS);
        refuseUnless(body, "echo", v -> v.isBoolean() && !v.asBoolean(), "chat completions do not echo the "
                + "conversation (completions do)");
        return settings(body, model, null, null, messages, maxTokens, chatLogprobs(body), false);
    }

    /** A message's text: a string, or the text parts of a list of parts (other kinds of part are refused). */
    private static String content(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw new Invalid("messages", "a message's content parts must be {\"type\": \"text\", \"text\": ...}: "
                            + "this deployment reads text only");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw new Invalid("messages", "a message's 'content' must be a string or a list of text parts");
    }

    /**
     * A {@code /v1/completions} call read again for a summarization or translation deployment: each prompt is a text
     * to summarize or translate (with the model's task prefix added, as "Try it" adds it), {@code max_tokens} bounds
     * the output only when given (otherwise the model's generation config does, as for {@code /score}), and {@code n}
     * choices are identical, as greedy ones are. Such a model searches and does not sample, and its text is known
     * only at the end, so a temperature over 0, {@code top_p}, {@code stop}, {@code stream}, {@code logprobs} and
     * {@code echo} are refused by name; so are a chat, which has no mapping onto a text-to-text model, and prompts sent
     * as token ids.
     */
    public static Call forTextToText(Call call, JsonNode body, String deployment, String task) {
        String serves = "deployment '" + deployment + "' serves " + task;
        if (call.logprobs() != null) {
            throw new Invalid("logprobs", serves + ", whose model searches (greedy or beams) and reports no "
                    + "log-probabilities; leave out 'logprobs'");
        }
        if (call.echo()) {
            throw new Invalid("echo", serves + ", which answers one text with another: its prompt is not echoed");
        }
        if (call.promptIds() != null) {
            throw new Invalid("prompt", serves + ", whose prompts are texts: send 'prompt' as a string or a list of "
                    + "strings");
        }
        if (call.chat()) {
            throw new Invalid("messages", serves + ", which has no chat template and answers one text with another: "
                    + "send the text as 'prompt' to /v1/completions, or call /score");
        }
        if (call.stream()) {
            throw new Invalid("stream", serves + ", which does not stream: the model searches (greedy or beams) and "
                    + "its text is known only at the end; call without stream");
        }
        for (String sampling : List.of("temperature", "top_p")) {
            JsonNode value = body.get(sampling);
            if (value != null && !value.isNull() && value.asDouble() > 0 && !(sampling.equals("top_p") && value.asDouble() == 1)) {
                throw new Invalid(sampling, serves + ", whose model searches (greedy or beams) and does not sample: "
                        + "leave out '" + sampling + "' (or send " + (sampling.equals("top_p") ? "1" : "0") + ")");
            }
        }
        if (!call.stop().isEmpty()) {
            throw new Invalid("stop", serves + ", which generates whole texts and takes no stop strings");
        }
        Integer maxTokens = body.hasNonNull("max_tokens") ? call.generation().maxNewTokens() : null;
        return new Call(call.model(), call.prompts(), null, null, call.n(),
                PredictSpec.Generation.search(maxTokens, null, null),
                null, List.of(), false, call.includeUsage(), false);
    }

    /** The model named, or null when none is and none is required. */
    private static String model(JsonNode body, boolean required) {
        if (!required && (!body.has("model") || body.get("model").isNull())) {
            return null;
        }
        if (!body.path("model").isTextual()) {
            throw new Invalid("model", "'model' is required: a deployment's name, or the endpoint's name for its traffic split");
        }
        return body.get("model").asText();
    }

    private static Call settings(JsonNode body, String model, List<String> prompts, List<List<Long>> promptIds,
                                 List<ChatMessage> messages, int maxTokens, Integer logprobs, boolean echo) {
        int n = integer(body, "n", 1, 1, MAX_N);
        refuseWhatIsNotGiven(body, n);
        Double temperature = number(body, "temperature", 0, 2);
        Double topP = number(body, "top_p", 0, 1);
        Long seed = body.hasNonNull("seed") ? seed(body) : null;
        // OpenAI samples unless the temperature is 0; greedy is what a temperature of 0 asks for.
        boolean greedy = temperature != null && temperature == 0;
        PredictSpec.Generation settings = greedy
                ? PredictSpec.Generation.greedy(maxTokens)
                : new PredictSpec.Generation(maxTokens, temperature == null ? 1.0 : temperature, null,
                        topP == null || topP == 0 ? null : topP, null, true, null, null);
        // Unseeded sampling differs from call to call, as OpenAI's does.
        Long choiceSeed = greedy ? null : seed != null ? seed : ThreadLocalRandom.current().nextLong();
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
        stop.removeIf(String::isEmpty);
        // The runner stops generating at a stop string; the answer is cut here too, for every path alike.
        PredictSpec.Generation generation = settings.withStop(stop).withLogprobs(logprobs, echo && logprobs != null);
        if (body.has("stream") && !body.get("stream").isBoolean() && !body.get("stream").isNull()) {
            throw new Invalid("stream", "'stream' must be true or false");
        }
        boolean stream = body.path("stream").asBoolean(false);
        return new Call(model, prompts, promptIds, messages, n, generation, choiceSeed, stop, stream,
                body.path("stream_options").path("include_usage").asBoolean(false), echo);
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
