package io.modelcat.ml.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's chat template: the Jinja template that turns a conversation into the prompt the model was
 * trained on, rendered as {@code transformers}' {@code apply_chat_template(..., tokenize=False)} renders
 * it (Jinja with {@code trim_blocks} and {@code lstrip_blocks}, loop controls, its own {@code tojson},
 * {@code raise_exception} and {@code strftime_now}, and the tokenizer's special tokens as variables).
 *
 * <p>The template comes from {@code chat_template.jinja} beside the model (what {@code transformers} 5
 * saves), else from {@code chat_template} in {@code tokenizer_config.json} (a string, or a list of named
 * templates of which {@code default} is used).
 */
public final class ChatTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Jinjava JINJA = jinja();

    private final String template;
    private final Map<String, Object> variables;

    private ChatTemplate(String template, Map<String, String> specialTokens) {
        this.template = template;
        this.variables = Map.copyOf(specialTokens);
    }

    /** A template with the special tokens it may name ({@code bos_token}, {@code eos_token}, ...). */
    public static ChatTemplate of(String template, Map<String, String> specialTokens) {
        return new ChatTemplate(template, specialTokens);
    }

    /** The chat template of the model saved in {@code directory}, if it has one. */
    public static Optional<ChatTemplate> read(Path directory) {
        JsonNode config = JSON.createObjectNode();
        Path configFile = directory.resolve("tokenizer_config.json");
        try {
            if (Files.isRegularFile(configFile)) {
                config = JSON.readTree(configFile.toFile());
            }
            Path jinja = directory.resolve("chat_template.jinja");
            String template = Files.isRegularFile(jinja) ? Files.readString(jinja, StandardCharsets.UTF_8)
                    : templateIn(config.get("chat_template"));
            return template == null || template.isEmpty() ? Optional.empty()
                    : Optional.of(new ChatTemplate(template, specialTokens(config)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the chat template in " + directory, e);
        }
    }

    /**
     * Renders a conversation: each message a map with {@code role} and {@code content} (kept in order, as
     * {@code tojson} writes them).
     *
     * @throws IllegalArgumentException when the template refuses the conversation ({@code raise_exception})
     *     or cannot be rendered; the message says why
     */
    public String render(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
        Map<String, Object> context = new HashMap<>(variables);
        context.put("messages", messages.stream().map(m -> (Object) new LinkedHashMap<>(m)).toList());
        context.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result = JINJA.renderForResult(template, context);
        for (TemplateError error : result.getErrors()) {
            for (Throwable cause = error.getException(); cause != null; cause = cause.getCause()) {
                if (cause instanceof ChatTemplateFunctions.Raised raised) {
                    throw new IllegalArgumentException(raised.getMessage());
                }
            }
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new IllegalArgumentException("the chat template could not be rendered: " + error.getMessage()
                        + " (line " + error.getLineno() + ")");
            }
        }
        return result.getOutput();
    }

    private static String templateIn(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        // [{"name": "default", "template": "..."}, {"name": "tool_use", ...}]
        for (JsonNode named : node) {
            if ("default".equals(named.path("name").asText())) {
                return named.path("template").asText(null);
            }
        }
        return null;
    }

    /** Every {@code *_token} of the tokenizer config, written as a string or as an added token's {@code content}. */
    private static Map<String, String> specialTokens(JsonNode config) {
        Map<String, String> tokens = new HashMap<>();
        config.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            String text = value.isTextual() ? value.asText() : value.path("content").isTextual()
                    ? value.path("content").asText() : null;
            if (field.getKey().endsWith("_token") && text != null) {
                tokens.put(field.getKey(), text);
            }
        });
        return tokens;
    }

    private static Jinjava jinja() {
        // The overrides make jinjava behave as Jinja does: filters bind tighter than + and ~, {{- and -}} trim,
        // loops keep None items, a dict iterates over its keys, {key: value} evaluates the key, and values
        // print as Python prints them.
        LegacyOverrides jinja = LegacyOverrides.newBuilder().withUseNaturalOperatorPrecedence(true)
                .withParseWhitespaceControlStrictly(true).withUseTrimmingForNotesAndExpressions(true)
                .withKeepNullableLoopValues(true).withIterateOverMapKeys(true).withEvaluateMapKeys(true)
                .withUsePyishObjectMapper(true).build();
        JinjavaConfig config = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withNestedInterpretationEnabled(false).withFailOnUnknownTokens(false)
                .withLegacyOverrides(jinja).build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplateFunctions.class,
                "raiseException", String.class));
        jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", ChatTemplateFunctions.class,
                "strftimeNow", String.class));
        jinjava.registerFilter(new ChatTemplateFunctions.ToJson());
        jinjava.registerTag(new ChatTemplateFunctions.Generation());
        return jinjava;
    }

    /**
     * A conversation as training tokens with its assistant turns learned, as TRL's assistant-only loss trains a chat:
     * each assistant turn is what the rendering of the conversation up to it adds to the rendering before it with
     * the generation prompt (its content and the template's end of turn); the rest (system and user turns, the
     * template's framing and generation prompts) is context. Pieces are encoded without the tokenizer's own special
     * tokens, as a rendered chat is.
     *
     * @throws IllegalArgumentException when the conversation has no assistant turn, or the template does not render
     *     it turn by turn (a later rendering that does not extend an earlier one)
     */
    public io.modelcat.ml.train.LearnedTokens learnedTokens(io.modelcat.ml.tokenize.TextTokenizer tokenizer,
            List<Map<String, Object>> messages) {
        List<long[]> pieces = new java.util.ArrayList<>();
        List<Boolean> learned = new java.util.ArrayList<>();
        String done = "";
        for (int turn = 0; turn < messages.size(); turn++) {
            if (!"assistant".equals(messages.get(turn).get("role"))) {
                continue;
            }
            String prompt = render(messages.subList(0, turn), true);
            String answered = render(messages.subList(0, turn + 1), false);
            if (!prompt.startsWith(done) || !answered.startsWith(prompt)) {
                throw new IllegalArgumentException("the chat template does not render this conversation turn by turn "
                        + "(a turn's rendering does not extend the one before it), so its assistant turns cannot be "
                        + "told apart");
            }
            pieces.add(tokenizer.encode(prompt.substring(done.length()), false));
            learned.add(false);
            pieces.add(tokenizer.encode(answered.substring(prompt.length()), false));
            learned.add(true);
            done = answered;
        }
        if (pieces.isEmpty()) {
            throw new IllegalArgumentException("the conversation has no assistant turn to learn");
        }
        String whole = render(messages, false);
        if (whole.startsWith(done) && whole.length() > done.length()) {
            pieces.add(tokenizer.encode(whole.substring(done.length()), false));
            learned.add(false);
        }
        return io.modelcat.ml.train.LearnedTokens.of(pieces, learned);
    }
}
