package io.modelcat.runner.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.jobs.spec.ChatMessage;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.GenerationConfig;
import io.modelcat.ml.infer.TextGenerator;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.testsupport.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Text generation from chat messages: the model's template renders the prompt, which is encoded as
 * {@code transformers} encodes a chat (without the tokenizer's own special tokens: the Llama-style fixture's
 * tokenizer adds a BOS that its template writes already), and the text is told token by token.
 */
class ChatGenerationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aChatIsGeneratedFromTheTokensTransformersGivesItsRenderedPrompt() throws IOException {
        JsonNode hello = JSON.readTree(Fixtures.referenceOutputs().toFile()).path("models").path("gpt2-chat-llama3")
                .path("chat").get(0);
        assertThat(hello.path("add_generation_prompt").asBoolean()).isTrue();
        long[] ids = JSON.convertValue(hello.get("ids"), long[].class);
        List<ChatMessage> messages = List.of(new ChatMessage("user", hello.path("messages").get(0).path("content").asText()));
        try (TransformerModel model = ModelLoader.load(Fixtures.model("gpt2-chat-llama3"))) {
            assertThat(model.tokenizer().encode(hello.get("text").asText())).as("the tokenizer adds a BOS by itself")
                    .hasSize(ids.length + 1);
            PredictSpec spec = new PredictSpec(Task.TEXT_GENERATION, "file:///x", Map.of(), null,
                    new PredictSpec.Generation(6, 1.0, null, null, 5L), messages);
            List<String> pieces = new ArrayList<>();
            Map<?, ?> prediction = (Map<?, ?>) TaskRecipes.predicting(Task.TEXT_GENERATION)
                    .predict(model, spec, 64, (text, logprobs) -> pieces.add(text));

            assertThat(prediction.get("promptTokens")).isEqualTo(ids.length);
            String expected = new TextGenerator(model).generateIds(ids, GenerationConfig.sampling(5).withMaxNewTokens(6))
                    .text();
            assertThat(prediction.get("generatedText")).isEqualTo(expected).isEqualTo(String.join("", pieces));
        }
    }

    @Test
    void aModelWithoutATemplateRefusesMessagesSayingWhy() {
        try (TransformerModel model = ModelLoader.load(Fixtures.model("gpt2"))) {
            PredictSpec spec = new PredictSpec(Task.TEXT_GENERATION, "file:///x", Map.of(), null, null,
                    List.of(new ChatMessage("user", "hi")));
            assertThatThrownBy(() -> TaskRecipes.predicting(Task.TEXT_GENERATION).predict(model, spec, 64))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no chat template");
        }
    }
}
