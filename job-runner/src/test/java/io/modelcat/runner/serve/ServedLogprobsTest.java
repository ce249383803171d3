package io.modelcat.runner.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.jobs.serve.ServeEvent;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.Generation;
import io.modelcat.ml.infer.GenerationConfig;
import io.modelcat.ml.infer.TextGenerator;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.testsupport.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A text-generation instance reports log-probabilities when a call asks for them: in its prediction (batched with a
 * call that does not ask, which gets none) and, streamed, with each delta; both are the engine's for the same settings.
 * Asked for, the prompt's tokens' too.
 */
class ServedLogprobsTest {

    private static final String PROMPT = "the dog";

    @Test
    void predictionsAndStreamedDeltasCarryTheEnginesLogprobs() throws Exception {
        PredictSpec.Generation settings = new PredictSpec.Generation(6, 1.4, null, null, 9L).withLogprobs(2);
        List<Generation.TokenLogprob> engine;
        List<Generation.TokenLogprob> enginePrompt;
        long[] promptIds;
        String promptText;
        try (TransformerModel model = ModelLoader.load(Fixtures.model("gpt2"))) {
            TextGenerator generator = new TextGenerator(model);
            promptIds = model.tokenizer().encode(PROMPT);
            promptText = generator.decode(promptIds);
            engine = generator.generate(PROMPT, GenerationConfig.sampling(9).withTemperature(1.4)
                    .withMaxNewTokens(6).withLogprobs(2)).logprobs();
            enginePrompt = generator.promptLogprobs(model.tokenizer().encode(PROMPT), 2);
        }
        assertThat(engine).isNotEmpty();

        try (ServedModel served = ServedModel.load(Task.TEXT_GENERATION, Fixtures.model("gpt2"), Device.cpu());
             Batcher batcher = new Batcher("gpt2", 8, 500, served.work())) {
            List<JsonNode> answers = batcher.submit(List.of(spec(settings), spec(settings.withLogprobs(null))))
                    .get(60, TimeUnit.SECONDS);
            assertSame(engine, answers.get(0).get("logprobs"));
            assertThat(answers.get(0).has("promptLogprobs")).as("not asked for").isFalse();
            assertThat(answers.get(1).has("logprobs")).as("not asked for").isFalse();

            JsonNode echoed = batcher.submit(List.of(spec(settings.withLogprobs(2, true)))).get(60, TimeUnit.SECONDS)
                    .get(0);
            assertSame(engine, echoed.get("logprobs"));
            JsonNode prompt = echoed.get("promptLogprobs");
            assertThat(prompt).hasSize(echoed.get("promptTokens").asInt());
            assertThat(prompt.get(0).get("logprob").isNull()).isTrue();
            // The first token has no log-probability; the others are the engine's.
            assertSame(enginePrompt.subList(1, enginePrompt.size()), dropFirst(prompt));

            // The same prompt sent as token ids generates the same, and says what the ids read as.
            List<Long> ids = new ArrayList<>();
            for (long id : promptIds) {
                ids.add(id);
            }
            JsonNode tokenized = batcher.submit(List.of(new PredictSpec(Task.TEXT_GENERATION, "file:///unused",
                    Map.of(), null, settings, null, ids))).get(60, TimeUnit.SECONDS).get(0);
            assertSame(engine, tokenized.get("logprobs"));
            assertThat(tokenized.get("generatedText")).isEqualTo(answers.get(0).get("generatedText"));
            assertThat(tokenized.get("promptText").asText()).isEqualTo(promptText);
            assertThatThrownBy(() -> batcher.submit(List.of(new PredictSpec(Task.TEXT_GENERATION, "file:///unused",
                    Map.of(), null, settings, null, List.of(1L, 45L)))).get(60, TimeUnit.SECONDS))
                    .hasMessageContaining("prompt token id 45 (at 1) is not in the model's vocabulary of 45 tokens");

            List<ServeEvent> events = new ArrayList<>();
            JsonNode streamed = batcher.submit(List.of(spec(settings)), events::add).get(60, TimeUnit.SECONDS).get(0);
            assertSame(engine, streamed.get("logprobs"));
            List<JsonNode> told = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (ServeEvent event : events) {
                if (event.delta() != null) {
                    for (JsonNode token : event.logprobs()) {
                        // Each token comes with the delta its text begins in.
                        assertThat(token.get("offset").asInt()).isBetween(text.length(),
                                text.length() + event.delta().length() - 1);
                        told.add(token);
                    }
                    text.append(event.delta());
                }
            }
            assertThat(text.toString()).isEqualTo(streamed.get("generatedText").asText());
            // The deltas carry every token but those that add no text at the end (an end-of-sequence token).
            List<JsonNode> all = new ArrayList<>();
            streamed.get("logprobs").forEach(all::add);
            assertThat(told).containsExactlyElementsOf(all.subList(0, told.size())).isNotEmpty();
            assertThat(all.subList(told.size(), all.size()))
                    .allSatisfy(token -> assertThat(token.get("offset").asInt()).isEqualTo(text.length()));
        }
    }

    private static void assertSame(List<Generation.TokenLogprob> engine, JsonNode served) {
        assertThat(served).hasSize(engine.size());
        for (int i = 0; i < engine.size(); i++) {
            Generation.TokenLogprob expected = engine.get(i);
            JsonNode token = served.get(i);
            assertThat(token.get("id").asLong()).isEqualTo(expected.id());
            assertThat(token.get("token").asText()).isEqualTo(expected.token());
            assertThat(token.get("offset").asInt()).isEqualTo(expected.offset());
            assertThat(token.get("logprob").asDouble()).isCloseTo(expected.logprob(), within(1e-4));
            assertThat(token.get("top")).hasSize(2);
            for (int rank = 0; rank < 2; rank++) {
                assertThat(token.get("top").get(rank).get("logprob").asDouble())
                        .isCloseTo(expected.top().get(rank).logprob(), within(1e-4));
            }
        }
    }

    private static JsonNode dropFirst(JsonNode array) {
        com.fasterxml.jackson.databind.node.ArrayNode rest = array.deepCopy();
        rest.remove(0);
        return rest;
    }

    private static PredictSpec spec(PredictSpec.Generation generation) {
        return new PredictSpec(Task.TEXT_GENERATION, "file:///unused", Map.of("text", PROMPT), null, generation);
    }
}
