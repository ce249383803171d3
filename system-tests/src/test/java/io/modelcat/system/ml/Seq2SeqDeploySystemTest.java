package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import io.modelcat.testsupport.hub.FakeRepoOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A summarization model (the tiny T5, imported from a local Hub) deployed behind an online endpoint on the deployed
 * system: it answers Azure ML's shapes as transformers' summarization pipeline answers ({@code summary_text}), with
 * what "Try it" predicts for the same text, takes per-call search settings, answers OpenAI's completions, and refuses
 * sampling, streaming and chat with a 400 that says why.
 */
class Seq2SeqDeploySystemTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String DOCUMENT = "the cat sat on the mat and the dog sat on the cat.";

    @TempDir
    Path folder;

    /**
     * The tiny T5 with T5's summarization prefix in its config.json, as t5-small's: the endpoint, as "Try it", gives
     * the model "summarize: " and the text (the reference generated words for that, and nothing for the bare text).
     */
    private static Path withSummarizationPrefix(Path fixture, Path folder) {
        try {
            Path model = Files.createDirectories(folder.resolve("t5-summarizer"));
            for (String file : new String[] {"model.safetensors", "tokenizer.json", "tokenizer_config.json",
                    "generation_config.json"}) {
                Files.copy(fixture.resolve(file), model.resolve(file));
            }
            String config = Files.readString(fixture.resolve("config.json"));
            Files.writeString(model.resolve("config.json"), config.replaceFirst("\\{",
                    "{\"task_specific_params\": {\"summarization\": {\"prefix\": \"summarize: \"}},"));
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSummarizationModelDeploysAndAnswersAsTryItDoes() {
        try (FakeHub hub = FakeHub.start();
             RunningSystem system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()))) {
            hub.addRepo("hf-tiny/t5-summarizer", withSummarizationPrefix(Fixtures.model("t5-v1_0"), folder),
                    FakeRepoOptions.defaults().withPipelineTag("summarization"));
            system.addRunner("server-a", Map.of());
            String model = system.importModel("hf-tiny/t5-summarizer", TIMEOUT);
            assertThat(system.get("/api/v1/models/" + model).map()).containsEntry("task", "summarization");

            RunningSystem.Answer made = system.post("/api/v1/endpoints", Map.of("name", "summaries", "authMode", "key"));
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            String key = (String) ((Map<?, ?>) made.map().get("keys")).get("primaryKey");
            RunningSystem.Answer deployed = system.post("/api/v1/endpoints/summaries/deployments",
                    Map.of("name", "tiny-t5", "modelId", model, "maxBatchSize", 8, "maxBatchDelayMs", 50));
            assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
            system.awaitValue(TIMEOUT, () -> ((List<Map<String, Object>>) system.get("/api/v1/endpoints/summaries")
                    .map().get("deployments")).get(0), d -> "ready".equals(d.get("state")));

            RunningSystem.Answer tried = system.post("/api/v1/models/" + model + "/predict", Map.of("text", DOCUMENT));
            assertThat(tried.status()).as(tried.body()).isEqualTo(200);
            Map<?, ?> prediction = (Map<?, ?>) ((Map<?, ?>) tried.map().get("result")).get("prediction");
            String summary = (String) prediction.get("generatedText");
            assertThat(summary).as("what transformers generates for the prefixed text").startsWith("good good good");

            RunningSystem.Answer huggingFace = call(system, "/score", key, "{\"inputs\": [\"" + DOCUMENT + "\", \""
                    + DOCUMENT + "\"]}");
            assertThat(huggingFace.status()).as(huggingFace.body()).isEqualTo(200);
            assertThat(huggingFace.header("azureml-model-deployment")).hasValue("tiny-t5");
            assertThat(huggingFace.list()).containsExactly(Map.of("summary_text", summary), Map.of("summary_text", summary));
            RunningSystem.Answer mlflow = call(system, "/score", key, "{\"input_data\": [\"" + DOCUMENT + "\"],"
                    + " \"params\": {\"max_new_tokens\": 3, \"num_beams\": 2}}");
            assertThat(mlflow.status()).as(mlflow.body()).isEqualTo(200);
            String shorter = (String) ((Map<?, ?>) mlflow.list().get(0)).get("summary_text");
            assertThat(shorter.split(" ")).as(shorter).hasSizeLessThanOrEqualTo(3);

            RunningSystem.Answer sampled = call(system, "/score", key, "{\"inputs\": [\"" + DOCUMENT + "\"],"
                    + " \"parameters\": {\"do_sample\": true}}");
            assertThat(sampled.status()).isEqualTo(400);
            assertThat(sampled.body()).contains("parameters.do_sample").contains("do not sample");

            RunningSystem.Answer completion = call(system, "/v1/completions", key, "{\"model\": \"tiny-t5\", \"prompt\": \""
                    + DOCUMENT + "\"}");
            assertThat(completion.status()).as(completion.body()).isEqualTo(200);
            Map<String, Object> answer = completion.map();
            Map<?, ?> choice = (Map<?, ?>) ((List<?>) answer.get("choices")).get(0);
            assertThat(choice.get("text")).isEqualTo(summary);
            assertThat(choice.get("finish_reason")).isEqualTo(prediction.get("finishReason"));
            assertThat(((Map<?, ?>) answer.get("usage")).get("prompt_tokens")).isEqualTo(prediction.get("sourceTokens"));
            assertThat(((Map<?, ?>) answer.get("usage")).get("completion_tokens")).isEqualTo(prediction.get("newTokens"));

            RunningSystem.Answer streamed = call(system, "/v1/completions", key, "{\"model\": \"tiny-t5\", \"prompt\": \"a\","
                    + " \"stream\": true}");
            assertThat(streamed.status()).isEqualTo(400);
            assertThat(streamed.body()).contains("\"param\":\"stream\"").contains("does not stream");
            RunningSystem.Answer chat = call(system, "/v1/chat/completions", key, "{\"model\": \"tiny-t5\", \"messages\":"
                    + " [{\"role\": \"user\", \"content\": \"hi\"}]}");
            assertThat(chat.status()).isEqualTo(400);
            assertThat(chat.body()).contains("\"param\":\"messages\"").contains("serves summarization");
        }
    }

    private static RunningSystem.Answer call(RunningSystem system, String path, String key, String body) {
        return system.postJson(system.base().resolve("/endpoints/summaries" + path), body, key);
    }
}
