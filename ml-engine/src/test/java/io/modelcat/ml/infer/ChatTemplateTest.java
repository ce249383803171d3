package io.modelcat.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.tokenize.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Chat templates rendered by jinjava give exactly what {@code transformers}' {@code apply_chat_template(...,
 * tokenize=False)} gave for the chat fixtures (reference/generate_fixtures.py), and the model's tokenizer
 * reads each rendering into the same ids when it adds no special tokens of its own (the Llama-style fixture's
 * tokenizer adds a BOS, as Llama 3's does).
 */
class ChatTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Map<String, Object>>> MESSAGES = new TypeReference<>() {
    };

    private static JsonNode reference(String model) throws IOException {
        return JSON.readTree(Fixtures.root().resolve("reference-outputs.json").toFile()).path("models").path(model);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-chat-chatml", "gpt2-chat-llama3"})
    void rendersWhatTransformersRenders(String model) throws IOException {
        JsonNode reference = reference(model);
        Path directory = Fixtures.model(model);
        ChatTemplate own = ChatTemplate.read(directory).orElseThrow();
        Map<String, String> tokens = Map.of("eos_token", "<|im_end|>", "pad_token", "<|endoftext|>");
        int rendered = 0;
        try (TextTokenizer tokenizer = TextTokenizer.load(directory.resolve("tokenizer.json"), 0)) {
            for (JsonNode c : reference.path("chat")) {
                List<Map<String, Object>> messages = JSON.convertValue(c.get("messages"), MESSAGES).stream()
                        .map(ChatTemplateTest::roleFirst).toList();
                boolean generationPrompt = c.get("add_generation_prompt").asBoolean();
                ChatTemplate template = c.get("template").isNull() ? own
                        : ChatTemplate.of(reference.path("chat_templates").path(c.get("template").asText()).asText(), tokens);
                String what = c.get("template") + " " + messages + " generation prompt " + generationPrompt;
                if (c.has("error")) {
                    assertThatThrownBy(() -> template.render(messages, generationPrompt)).as(what)
                            .isInstanceOf(IllegalArgumentException.class).hasMessage(c.get("error").asText());
                    continue;
                }
                String text = template.render(messages, generationPrompt);
                assertThat(text).as(what).isEqualTo(c.get("text").asText());
                assertThat(tokenizer.encode(text, false)).as(what)
                        .containsExactly(JSON.convertValue(c.get("ids"), long[].class));
                rendered++;
            }
        }
        assertThat(rendered).isGreaterThanOrEqualTo(6);
    }

    /** The reference file sorts keys; the conversations were rendered with role before content, as clients send them. */
    private static Map<String, Object> roleFirst(Map<String, Object> message) {
        Map<String, Object> ordered = new java.util.LinkedHashMap<>();
        ordered.put("role", message.get("role"));
        ordered.put("content", message.get("content"));
        ordered.putAll(message);
        return ordered;
    }

    @Test
    void aTemplateInTokenizerConfigMayBeAListOfNamedOnes(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("tokenizer_config.json"), """
                {"bos_token": {"content": "<s>", "special": true}, "eos_token": "</s>",
                 "chat_template": [{"name": "tool_use", "template": "tools"},
                                   {"name": "default", "template": "{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}{{ eos_token }}"}]}
                """);
        assertThat(ChatTemplate.read(directory).orElseThrow().render(List.of(Map.of("role", "user", "content", "hi")),
                true)).isEqualTo("<s>hi</s>");
    }

    @Test
    void aModelWithoutATemplateHasNone() {
        assertThat(ChatTemplate.read(Fixtures.gpt2())).isEmpty();
        assertThat(ChatTemplate.read(Fixtures.model("distilbert-sequence-classification"))).isEmpty();
    }

    @Test
    void contentIsNeverInterpretedAsATemplate() {
        ChatTemplate template = ChatTemplate.of("{% for m in messages %}[{{ m.content }}]{% endfor %}", Map.of());
        assertThat(template.render(List.of(Map.of("role", "user", "content", "{{ 7 * 6 }} {% if true %}x{% endif %}")),
                false)).isEqualTo("[{{ 7 * 6 }} {% if true %}x{% endif %}]");
    }

    @Test
    void aBrokenTemplateIsRefusedWithItsReason() {
        assertThatThrownBy(() -> ChatTemplate.of("{% for m in messages %}{{ m.content }}", Map.of())
                .render(List.of(Map.of("role", "user", "content", "hi")), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chat template");
    }
}
