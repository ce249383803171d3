package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The product's journey through the API, on the deployed system: import a model from a local Hub,
 * upload data, evaluate the base model, fine-tune it with automatic splits, register the result,
 * evaluate the registered model, and compare.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelJourneySystemTest {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);

    private FakeHub hub;
    private RunningSystem system;

    @BeforeAll
    void start() {
        hub = FakeHub.start();
        hub.addRepo("hf-tiny/bert", Fixtures.model("bert"));
        hub.addRepo("hf-tiny/gpt2", Fixtures.model("gpt2"));
        hub.addRepo("hf-tiny/distilbert", Fixtures.model("distilbert"));
        hub.addRepo("hf-tiny/qwen2-chat", qwen2WithChatTemplate());
        system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()));
        system.addRunner("trainer", Map.of());
    }

    /**
     * The tiny Qwen2 (Llama family) as a chat model ships it: with a chat template (a short one: the model has 64
     * positions), written beside a copy of the fixture.
     */
    private static java.nio.file.Path qwen2WithChatTemplate() {
        try {
            java.nio.file.Path copy = java.nio.file.Files.createTempDirectory("qwen2-chat");
            try (var files = java.nio.file.Files.list(Fixtures.model("qwen2"))) {
                for (java.nio.file.Path file : files.toList()) {
                    java.nio.file.Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
            java.nio.file.Files.writeString(copy.resolve("chat_template.jinja"),
                    "{% for m in messages %}{{ m['role'] + ': ' + m['content'] + '\\n' }}{% endfor %}"
                            + "{% if add_generation_prompt %}{{ 'assistant:' }}{% endif %}");
            return copy;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    void stop() {
        system.close();
        hub.close();
    }

    private String upload(String name, String contentType, String body) {
        RunningSystem.Answer answer = system.upload("/api/v1/datasets?name=" + name, contentType, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return (String) answer.map().get("id");
    }

    private Map<String, Object> run(String path, Map<String, Object> body) {
        RunningSystem.Answer answer = system.post(path, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        Map<String, Object> done = system.awaitJob(answer.map().get("id"), JOB_TIMEOUT, "succeeded", "failed", "cancelled");
        assertThat(done).as(done.toString()).containsEntry("state", "succeeded");
        return done;
    }

    @SuppressWarnings("unchecked")
    private static double metric(Map<String, Object> job, String name) {
        return ((Number) ((Map<String, Object>) ((Map<String, Object>) job.get("result")).get("metrics")).get(name))
                .doubleValue();
    }

    @Test
    void textClassificationFineTuneBeatsTheBaseModelAndTheMajorityClass() {
        String base = system.importModel("hf-tiny/bert", JOB_TIMEOUT);
        String train = upload("reviews-train", "text/csv", SentimentData.csv(400, 1));
        String test = upload("reviews-test", "text/csv", SentimentData.csv(100, 2));
        Map<String, Object> mapping = Map.of("sentence1", "review", "label", "sentiment");

        Map<String, Object> baseEval = run("/api/v1/evaluations", Map.of("modelId", base, "datasetId", test,
                "task", "text-classification", "mapping", mapping));
        double baseAccuracy = metric(baseEval, "accuracy");

        Map<String, Object> finetune = run("/api/v1/finetunes", Map.of("modelId", base, "task", "text-classification",
                "trainDatasetId", train, "mapping", mapping,
                "hyperparameters", Map.of("epochs", 4, "batchSize", 8, "learningRate", 3e-3, "warmupRatio", 0.1, "seed", 7)));
        @SuppressWarnings("unchecked")
        Map<String, Object> splits = (Map<String, Object>) ((Map<String, Object>) finetune.get("result")).get("splits");
        int trainRows = ((Number) splits.get("train")).intValue();
        int validationRows = ((Number) splits.get("validation")).intValue();
        int testRows = ((Number) splits.get("test")).intValue();
        assertThat(trainRows + validationRows + testRows).isEqualTo(400);
        assertThat(validationRows).isBetween(36, 44);
        assertThat(testRows).isBetween(36, 44);
        Map<String, Object> metrics = system.get("/api/v1/jobs/" + finetune.get("id") + "/metrics").map();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> series = (List<Map<String, Object>>) metrics.get("series");
        List<Double> losses = series.stream().filter(m -> "loss".equals(m.get("name")) && "train".equals(m.get("split")))
                .map(m -> ((Number) m.get("value")).doubleValue()).toList();
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
        assertThat(series).anySatisfy(m -> assertThat(m).containsEntry("split", "validation").containsEntry("name", "f1_macro"));

        RunningSystem.Answer registered = system.post("/api/v1/jobs/" + finetune.get("id") + "/register",
                Map.of("name", "tiny-bert-sentiment", "description", "Fine-tuned on generated reviews."));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String tuned = (String) registered.map().get("id");
        assertThat(registered.map()).containsEntry("license", "apache-2.0").containsEntry("task", "text-classification");

        Map<String, Object> tunedEval = run("/api/v1/evaluations", Map.of("modelId", tuned, "datasetId", test,
                "task", "text-classification", "mapping", mapping));
        double tunedAccuracy = metric(tunedEval, "accuracy");
        double majority = 0.6;
        assertThat(tunedAccuracy).as("fine-tuned %s vs base %s", tunedAccuracy, baseAccuracy)
                .isGreaterThan(baseAccuracy + 0.2).isGreaterThan(majority + 0.2);

        List<Map<String, Object>> board = system.get("/api/v1/leaderboard?datasetId=" + test
                + "&task=text-classification&metric=accuracy").list();
        assertThat(board.get(0).get("modelId")).isEqualTo(tuned);
        assertThat(system.get("/api/v1/jobs/" + tunedEval.get("id") + "/predictions").list()).isNotEmpty();

        // The registered fine-tune behind an online endpoint answers as "Try it" does.
        RunningSystem.Answer endpoint = system.post("/api/v1/endpoints", Map.of("name", "reviews"));
        assertThat(endpoint.status()).as(endpoint.body()).isEqualTo(201);
        String key = (String) ((Map<?, ?>) endpoint.map().get("keys")).get("primaryKey");
        assertThat(system.post("/api/v1/endpoints/reviews/deployments", Map.of("name", "tuned", "modelId", tuned))
                .status()).isEqualTo(201);
        system.awaitValue(JOB_TIMEOUT, () -> system.get("/api/v1/endpoints/reviews").map().get("deployments").toString(),
                d -> d.contains("state=ready"));
        String review = "An absolute delight from start to finish, I loved every minute.";
        RunningSystem.Answer scored = system.post("/endpoints/reviews/score", Map.of("input_data", List.of(review)), key);
        assertThat(scored.status()).as(scored.body()).isEqualTo(200);
        RunningSystem.Answer tried = system.post("/api/v1/models/" + tuned + "/predict", Map.of("text", review));
        assertThat(scored.list().get(0).get("label"))
                .isEqualTo(((Map<?, ?>) ((Map<?, ?>) tried.map().get("result")).get("prediction")).get("label"));
    }

    @Test
    void textGenerationFineTuneLowersPerplexity() {
        String base = system.importModel("hf-tiny/gpt2", JOB_TIMEOUT);
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            jsonl.append("{\"text\": \"the cat sat on the mat . the dog sat on the mat .\"}\n");
        }
        String data = upload("mats", "application/x-ndjson", jsonl.toString());
        Map<String, Object> mapping = Map.of("text", "text");
        Map<String, Object> before = run("/api/v1/evaluations", Map.of("modelId", base, "datasetId", data,
                "task", "text-generation", "mapping", mapping));
        Map<String, Object> finetune = run("/api/v1/finetunes", Map.of("modelId", base, "task", "text-generation",
                "trainDatasetId", data, "mapping", mapping,
                "hyperparameters", Map.of("epochs", 3, "batchSize", 8, "learningRate", 1e-3)));
        assertThat(metric(finetune, "perplexity")).isLessThan(metric(before, "perplexity") / 2);
    }

    @Test
    void aLlamaFamilyModelFineTunedWithLoraOnInstructionsRegistersAsAnAdapterVersionThatAnswersEverywhere() {
        // A Llama-family checkpoint (Qwen2) in Hub layout, imported as any other.
        String base = system.importModel("hf-tiny/qwen2-chat", JOB_TIMEOUT);
        // A small synthetic instruction set: prompts and the completions to learn (ground_truth).
        String[][] pairs = {{"where is the cat?", " on the mat"}, {"what was good?", " the dog"},
                {"what is bad?", " the movie"}};
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            String[] pair = pairs[i % pairs.length];
            jsonl.append("{\"prompt\": \"").append(pair[0]).append("\", \"answer\": \"").append(pair[1]).append("\"}\n");
        }
        String data = upload("instructions-lora", "application/x-ndjson", jsonl.toString());
        Map<String, Object> mapping = Map.of("text", "prompt", "ground_truth", "answer");
        Map<String, Object> before = run("/api/v1/evaluations", Map.of("modelId", base, "datasetId", data,
                "task", "text-generation", "mapping", mapping));
        Map<String, Object> finetune = run("/api/v1/finetunes", Map.of("modelId", base, "task", "text-generation",
                "trainDatasetId", data, "mapping", mapping,
                "hyperparameters", Map.of("epochs", 4, "batchSize", 8, "learningRate", 2e-2, "loraRank", 8)));
        // On the held-out test rows: the completions' loss falls, and exact match does not fall. (LoRA moves these
        // tiny random models' loss little, peft's as much as the engine's, see LoraTest: a 5% fall is learning.)
        assertThat(metric(finetune, "loss")).isLessThan(metric(before, "loss") * 0.95);
        assertThat(metric(finetune, "exact_match")).isGreaterThanOrEqualTo(metric(before, "exact_match"));

        RunningSystem.Answer registered = system.post("/api/v1/jobs/" + finetune.get("id") + "/register",
                Map.of("name", "tiny-chat-lora"));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String tuned = (String) registered.map().get("id");
        Map<String, Object> version = system.get("/api/v1/models/" + tuned + "/versions").list().get(0);
        assertThat(version.toString()).contains("loraRank=8").contains("baseModelVersionId");
        Map<String, Object> after = run("/api/v1/evaluations", Map.of("modelId", tuned, "datasetId", data,
                "task", "text-generation", "mapping", mapping));
        assertThat(metric(after, "loss")).isLessThan(metric(before, "loss") * 0.95);
        // Sample inference ("try it") on the adapter version.
        RunningSystem.Answer tried = system.post("/api/v1/models/" + tuned + "/predict",
                Map.of("text", "where is the cat?", "generation", Map.of("maxNewTokens", 4)));
        assertThat(tried.status()).as(tried.body()).isEqualTo(200);
        assertThat(tried.body()).contains("generatedText");

        // Deployed, the adapter version answers chat with the base's template.
        RunningSystem.Answer endpoint = system.post("/api/v1/endpoints", Map.of("name", "lora-chat"));
        assertThat(endpoint.status()).as(endpoint.body()).isEqualTo(201);
        String key = (String) ((Map<?, ?>) endpoint.map().get("keys")).get("primaryKey");
        assertThat(system.post("/api/v1/endpoints/lora-chat/deployments", Map.of("name", "lora", "modelId", tuned))
                .status()).isEqualTo(201);
        system.awaitValue(JOB_TIMEOUT, () -> system.get("/api/v1/endpoints/lora-chat").map().get("deployments")
                .toString(), d -> d.contains("state=ready"));
        RunningSystem.Answer chat = system.post("/endpoints/lora-chat/v1/chat/completions", Map.of("model", "lora",
                "messages", List.of(Map.of("role", "user", "content", "where is the cat?")), "max_tokens", 5,
                "temperature", 0), key);
        assertThat(chat.status()).as(chat.body()).isEqualTo(200);
        assertThat(chat.body()).contains("\"role\":\"assistant\"").contains("\"completion_tokens\":");
    }

    @Test
    void tokenClassificationFineTuneFindsTheEntities() {
        String base = system.importModel("hf-tiny/distilbert", JOB_TIMEOUT);
        String train = upload("animals-train", "application/x-ndjson", AnimalTags.jsonl(300, 4));
        String test = upload("animals-test", "application/x-ndjson", AnimalTags.jsonl(60, 5));
        Map<String, Object> mapping = Map.of("tokens", "tokens", "ner_tags", "tags");

        Map<String, Object> before = run("/api/v1/evaluations", Map.of("modelId", base, "datasetId", test,
                "task", "token-classification", "mapping", mapping));
        Map<String, Object> finetune = run("/api/v1/finetunes", Map.of("modelId", base, "task", "token-classification",
                "trainDatasetId", train, "testDatasetId", test, "mapping", mapping,
                "hyperparameters", Map.of("epochs", 4, "batchSize", 8, "learningRate", 3e-3, "warmupRatio", 0.1)));
        assertThat(metric(finetune, "f1")).as("entity F1 before %s", metric(before, "f1"))
                .isGreaterThan(0.9).isGreaterThan(metric(before, "f1") + 0.3);
    }

    @Test
    @SuppressWarnings("unchecked")
    void sampleInferenceAnswersWithinTheRequestAndKeepsTheModelLoaded() {
        String bert = system.importModel("hf-tiny/bert", JOB_TIMEOUT);
        RunningSystem.Answer first = system.post("/api/v1/models/" + bert + "/predict", Map.of("text", "the movie was good ."));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        Map<String, Object> result = (Map<String, Object>) first.map().get("result");
        Map<String, Object> prediction = (Map<String, Object>) result.get("prediction");
        assertThat((List<?>) prediction.get("labels")).hasSize(2);
        assertThat(prediction.get("label")).isIn("LABEL_0", "LABEL_1");
        RunningSystem.Answer second = system.post("/api/v1/models/" + bert + "/predict", Map.of("text", "the movie was bad ."));
        assertThat((Map<String, Object>) second.map().get("result")).containsEntry("cachedModel", true);

        String gpt2 = system.importModel("hf-tiny/gpt2", JOB_TIMEOUT);
        RunningSystem.Answer generated = system.post("/api/v1/models/" + gpt2 + "/predict",
                Map.of("text", "the cat sat", "generation", Map.of("maxNewTokens", 5)));
        assertThat(generated.status()).as(generated.body()).isEqualTo(200);
        Map<String, Object> text = (Map<String, Object>) ((Map<String, Object>) generated.map().get("result")).get("prediction");
        assertThat(((Number) text.get("newTokens")).intValue()).isBetween(1, 5);

        RunningSystem.Answer missing = system.post("/api/v1/models/" + bert + "/predict", Map.of("question", "who?"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("\"text\"");
        Map<String, Object> notImported = system.get("/api/v1/models?q=roberta&limit=1").items().get(0);
        assertThat(system.post("/api/v1/models/" + notImported.get("id") + "/predict", Map.of("text", "x")).status())
                .isEqualTo(409);
    }
}
