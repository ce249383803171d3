package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.ReferencePython;
import io.modelcat.testsupport.hub.FakeHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Deploying catalog models behind online endpoints on the deployed system (catalog-service and runners as
 * processes): instances placed on runners and loaded there, scoring through the gateway in Azure ML's and
 * OpenAI's request shapes, keys, traffic split and pinning, and a runner's death under calls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeploySystemTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** A tiny GPT-2 with a ChatML template, as Qwen2.5 writes it. */
    private static final String CHAT_FIXTURE = "gpt2-chat-chatml";

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeHub hub;
    private RunningSystem system;
    private String classifier;
    private String generator;
    private String chatModel;

    @BeforeAll
    void start() {
        hub = FakeHub.start();
        hub.addRepo("hf-tiny/sentiment", Fixtures.model("distilbert-sequence-classification"));
        hub.addRepo("hf-tiny/gpt2", Fixtures.model("gpt2"));
        hub.addRepo("hf-tiny/chat", Fixtures.model(CHAT_FIXTURE));
        system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()));
        system.addRunner("server-a", Map.of());
        classifier = system.importModel("hf-tiny/sentiment", TIMEOUT);
        generator = system.importModel("hf-tiny/gpt2", TIMEOUT);
        chatModel = system.importModel("hf-tiny/chat", TIMEOUT);
    }

    @AfterAll
    void stop() {
        system.close();
        hub.close();
    }

    /** Creates an endpoint and answers its primary key (null in token mode). */
    private String endpoint(String name, String authMode) {
        RunningSystem.Answer made = system.post("/api/v1/endpoints", Map.of("name", name, "authMode", authMode));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        Map<?, ?> keys = (Map<?, ?>) made.map().get("keys");
        return keys == null ? null : (String) keys.get("primaryKey");
    }

    private void deploy(String endpoint, String name, String model, int instances) {
        RunningSystem.Answer made = system.post("/api/v1/endpoints/" + endpoint + "/deployments",
                Map.of("name", name, "modelId", model, "instanceCount", instances));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        awaitReady(endpoint, name, instances);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> deployment(String endpoint, String name) {
        List<Map<String, Object>> ds = (List<Map<String, Object>>) system.get("/api/v1/endpoints/" + endpoint).map()
                .get("deployments");
        return ds.stream().filter(d -> d.get("name").equals(name)).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private void awaitReady(String endpoint, String name, int instances) {
        system.awaitValue(TIMEOUT, () -> deployment(endpoint, name), d -> "ready".equals(d.get("state"))
                && ((List<Object>) d.get("instances")).size() == instances);
    }

    private HttpResponse<String> call(String endpoint, String path, String key, String body, Map<String, String> headers) {
        return call(system.base(), endpoint, path, key, body, headers);
    }

    private HttpResponse<String> call(URI catalog, String endpoint, String path, String key, String body,
                                      Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(catalog.resolve("/endpoints/" + endpoint + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> score(String key, String body) {
        return call("sentiment", "/score", key, body, Map.of());
    }

    /** What "Try it" predicts for the same input, to compare the deployment's answer with. */
    private Map<?, ?> tryIt(String model, Map<String, Object> body) {
        RunningSystem.Answer answer = system.post("/api/v1/models/" + model + "/predict", body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return (Map<?, ?>) ((Map<?, ?>) answer.map().get("result")).get("prediction");
    }

    /** The data of each server-sent event but the final [DONE], as JSON objects. */
    private static List<Map<String, Object>> events(String body) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            assertThat(event).startsWith("data: ");
            String data = event.substring("data: ".length());
            if (!data.equals("[DONE]")) {
                events.add(map(data));
            }
        }
        return events;
    }

    private static Map<String, Object> map(String json) {
        return new RunningSystem.Answer(200, json, null).map();
    }

    private static List<Map<String, Object>> list(String json) {
        return new RunningSystem.Answer(200, json, null).list();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aClassifierServesEveryShapeSplitsTrafficAndSurvivesARunnersDeath() throws InterruptedException {
        String key = endpoint("sentiment", "key");
        deploy("sentiment", "blue", classifier, 1);

        // The MLflow shape: a bare list; the label is the one "Try it" gives for the same text.
        HttpResponse<String> mlflow = score(key, "{\"input_data\": [\"I loved it\", \"Dull and far too long\"]}");
        assertThat(mlflow.statusCode()).as(mlflow.body()).isEqualTo(200);
        assertThat(mlflow.headers().firstValue("azureml-model-deployment")).contains("blue");
        List<Map<String, Object>> labels = list(mlflow.body());
        assertThat(labels).hasSize(2).allSatisfy(l -> assertThat(l).containsOnlyKeys("label", "score"));
        assertThat(tryIt(classifier, Map.of("text", "I loved it")).get("label")).isEqualTo(labels.get(0).get("label"));

        // The legacy catalog shape, and the same key sent as api-key.
        HttpResponse<String> legacy = call("sentiment", "/score", null,
                "{\"inputs\": {\"input_string\": [\"I loved it\"]}}", Map.of("api-key", key));
        assertThat(legacy.statusCode()).as(legacy.body()).isEqualTo(200);
        assertThat(list(legacy.body())).singleElement()
                .satisfies(m -> assertThat(m).containsOnlyKeys("0"));

        // MLflow's scoring server and KServe's v1 protocol: {"predictions": [...]}.
        HttpResponse<String> invocations = call("sentiment", "/invocations", key,
                "{\"dataframe_records\": [{\"text\": \"I loved it\"}]}", Map.of());
        assertThat(invocations.statusCode()).as(invocations.body()).isEqualTo(200);
        List<?> predicted = (List<?>) map(invocations.body()).get("predictions");
        assertThat(((Map<?, ?>) predicted.get(0)).get("label")).isEqualTo(labels.get(0).get("label"));
        HttpResponse<String> kserve = call("sentiment", "/v1/models/blue:predict", key,
                "{\"instances\": [\"I loved it\"]}", Map.of());
        assertThat(kserve.statusCode()).as(kserve.body()).isEqualTo(200);
        assertThat(map(kserve.body()).get("predictions")).isEqualTo(predicted);
        assertThat(call("sentiment", "/v1/models/red:predict", key, "{\"instances\": [\"x\"]}", Map.of())
                .statusCode()).as("no deployment red").isEqualTo(404);

        // Bad shapes and bad credentials never reach a runner.
        HttpResponse<String> shapeless = score(key, "{\"text\": \"I loved it\"}");
        assertThat(shapeless.statusCode()).isEqualTo(400);
        assertThat(shapeless.body()).contains("input_data");
        assertThat(score(key, "not json").statusCode()).isEqualTo(400);
        assertThat(score(null, "{\"input_data\": [\"x\"]}").statusCode()).isEqualTo(401);
        assertThat(score("mc_ek_wrong", "{\"input_data\": [\"x\"]}").statusCode()).isEqualTo(401);
        assertThat(score(system.adminToken(), "{\"input_data\": [\"x\"]}").statusCode())
                .as("a personal token is not a key of a key-mode endpoint").isEqualTo(401);
        assertThat(call("nowhere", "/score", key, "{\"input_data\": [\"x\"]}", Map.of()).statusCode()).isEqualTo(404);

        // A regenerated key replaces the old one at once.
        RunningSystem.Answer regenerated = system.post("/api/v1/endpoints/sentiment/keys/regenerate",
                Map.of("keyType", "primary"));
        assertThat(regenerated.status()).as(regenerated.body()).isEqualTo(200);
        assertThat(score(key, "{\"input_data\": [\"x\"]}").statusCode()).isEqualTo(401);
        String oldKey = key;
        key = (String) regenerated.map().get("primaryKey");
        assertThat(score(key, "{\"input_data\": [\"x\"]}").statusCode()).isEqualTo(200);


        // A second deployment, then 90/10: exactly 90 and 10 of every hundred calls; a pinned call goes where pinned.
        system.addRunner("server-b", Map.of());
        deploy("sentiment", "green", classifier, 1);
        assertThat(system.put("/api/v1/endpoints/sentiment/traffic", Map.of("traffic", Map.of("blue", 80, "green", 30)))
                .status()).as("sums to 110").isEqualTo(400);
        assertThat(system.put("/api/v1/endpoints/sentiment/traffic", Map.of("traffic", Map.of("blue", 90, "green", 10)))
                .status()).isEqualTo(200);
        List<String> answeredBy = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = score(key, "{\"input_data\": [\"ok\"]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            answeredBy.add(r.headers().firstValue("azureml-model-deployment").orElseThrow());
        }
        assertThat(Collections.frequency(answeredBy, "blue")).isEqualTo(90);
        assertThat(Collections.frequency(answeredBy, "green")).isEqualTo(10);
        HttpResponse<String> pinned = call("sentiment", "/score", key, "{\"input_data\": [\"ok\"]}",
                Map.of("azureml-model-deployment", "green"));
        assertThat(pinned.headers().firstValue("azureml-model-deployment")).contains("green");
        // A second catalog service (as behind a load balancer) routes the same endpoint from the same database:
        // the new key works there and the old one does not, and what it forwards is counted with the first's:
        // green answered 10 of the hundred and the pinned call here, and 3 pinned calls there.
        URI other = system.addCatalog();
        assertThat(call(other, "sentiment", "/score", oldKey, "{\"input_data\": [\"x\"]}", Map.of()).statusCode())
                .isEqualTo(401);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> there = call(other, "sentiment", "/score", key, "{\"input_data\": [\"I loved it\"]}",
                    Map.of("azureml-model-deployment", "green"));
            assertThat(there.statusCode()).as(there.body()).isEqualTo(200);
            assertThat(list(there.body()).get(0).get("label")).isEqualTo(labels.get(0).get("label"));
        }
        system.awaitValue(TIMEOUT, () -> system.get("/api/v1/endpoints/sentiment/metrics?minutes=60").map(),
                m -> ((List<Map<String, Object>>) m.get("deployments")).stream()
                        .anyMatch(d -> d.get("name").equals("green") && ((Number) d.get("requests")).intValue() == 14));
        // A key regenerated through the first service stops working on the second, which has the endpoint's route
        // cached from the calls above, within its route cache (MODELCAT_DEPLOY_ROUTE_CACHE, 1 s).
        String before = key;
        key = (String) system.post("/api/v1/endpoints/sentiment/keys/regenerate", Map.of("keyType", "primary")).map()
                .get("primaryKey");
        system.awaitValue(Duration.ofSeconds(10), () -> call(other, "sentiment", "/score", before,
                "{\"input_data\": [\"x\"]}", Map.of()).statusCode(), status -> status == 401);
        assertThat(call(other, "sentiment", "/score", key, "{\"input_data\": [\"x\"]}",
                Map.of("azureml-model-deployment", "blue")).statusCode()).isEqualTo(200);
        assertThat(system.delete("/api/v1/endpoints/sentiment/deployments/blue").status())
                .as("blue has traffic").isEqualTo(409);

        // Blue on both runners; one dies: calls keep being answered, and its instance is placed again.
        assertThat(system.put("/api/v1/endpoints/sentiment/traffic", Map.of("traffic", Map.of("blue", 100))).status())
                .isEqualTo(200);
        assertThat(system.delete("/api/v1/endpoints/sentiment/deployments/green").status()).isEqualTo(204);
        deploy("sentiment", "blue-2", classifier, 2);
        assertThat(system.put("/api/v1/endpoints/sentiment/traffic", Map.of("traffic", Map.of("blue-2", 100)))
                .status()).isEqualTo(200);
        system.kill("server-b");
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = score(key, "{\"input_data\": [\"still there?\"]}");
            assertThat(r.statusCode()).as("call %d after the kill: %s", i, r.body()).isEqualTo(200);
        }
        system.awaitValue(TIMEOUT, () -> deployment("sentiment", "blue-2"), d -> "ready".equals(d.get("state"))
                && ((List<?>) d.get("instances")).size() == 2 && !d.get("instances").toString().contains("server-b"));

        // The deployment's log tells the story: placed, loaded and ready on both runners, the dead one's instance
        // removed, and its replacement placed and ready.
        List<String> log = ((List<Map<String, Object>>) system.get("/api/v1/endpoints/sentiment/deployments/blue-2/logs")
                .map().get("lines")).stream().map(l -> l.get("level") + " " + l.get("message")).toList();
        assertThat(log).anyMatch(l -> l.startsWith("INFO Placed on runner server-b"))
                .anyMatch(l -> l.startsWith("INFO Loading the model on"))
                .anyMatch(l -> l.matches("WARN Removed: runner server-b\\S* stopped sending heartbeats.*"))
                .anyMatch(l -> l.matches("INFO Ready on server-a \\(CPU\\), the model loaded in \\d+ ms"));
        assertThat(log.stream().filter(l -> l.startsWith("INFO Ready on")).count()).as(log.toString()).isEqualTo(3);
    }

    @Test
    @SuppressWarnings("unchecked")
    void movingADeploymentToAnotherVersionUnderCallsFailsNone() throws Exception {
        String key = endpoint("rolling", "key");
        deploy("rolling", "live", generator, 1);
        // A second version of the model (the same files, registered again), then the deployment moved to it while
        // calls keep coming: the old instance answers until the new one is ready, then goes.
        Map<String, Object> first = system.get("/api/v1/models/" + generator + "/versions").list().get(0);
        RunningSystem.Answer second = system.post("/api/v1/models/" + generator + "/versions",
                Map.of("artifactUri", first.get("artifactUri"), "parentVersionId", first.get("id")));
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        int next = ((Number) second.map().get("versionNumber")).intValue();

        List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean calling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread caller = new Thread(() -> {
            while (calling.get()) {
                statuses.add(call("rolling", "/score", key, "{\"inputs\": [\"Once\"], \"parameters\": "
                        + "{\"max_new_tokens\": 2}}", Map.of()).statusCode());
            }
        });
        caller.start();
        try {
            system.awaitValue(TIMEOUT, statuses::size, n -> n >= 5);
            RunningSystem.Answer moved = system.patch("/api/v1/endpoints/rolling/deployments/live",
                    Map.of("versionNumber", next));
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
            system.awaitValue(TIMEOUT, () -> deployment("rolling", "live"), d -> "ready".equals(d.get("state"))
                    && ((List<Map<String, Object>>) d.get("instances")).stream()
                            .allMatch(i -> ((Number) i.get("versionNumber")).intValue() == next));
            int before = statuses.size();
            system.awaitValue(TIMEOUT, statuses::size, n -> n >= before + 5);
        } finally {
            calling.set(false);
            caller.join();
        }
        assertThat(statuses).hasSizeGreaterThan(10).containsOnly(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aGeneratorAnswersOpenAiCompletionsAndLangChainsShapesWithPersonalTokens() {
        endpoint("writer", "token");
        deploy("writer", "gpt", generator, 1);
        String token = system.adminToken();
        Map<?, ?> greedy = tryIt(generator, Map.of("text", "Hello there", "generation", Map.of("maxNewTokens", 5)));

        HttpResponse<String> completion = call("writer", "/v1/completions", token,
                "{\"model\": \"gpt\", \"prompt\": \"Hello there\", \"max_tokens\": 5, \"temperature\": 0}", Map.of());
        assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
        Map<String, Object> answer = map(completion.body());
        assertThat(answer).containsEntry("object", "text_completion").containsEntry("model", "gpt");
        Map<?, ?> choice = (Map<?, ?>) ((List<?>) answer.get("choices")).get(0);
        assertThat(choice.get("text")).isEqualTo(greedy.get("generatedText"));
        Map<?, ?> usage = (Map<?, ?>) answer.get("usage");
        assertThat(((Number) usage.get("total_tokens")).intValue()).isEqualTo(
                ((Number) usage.get("prompt_tokens")).intValue() + ((Number) usage.get("completion_tokens")).intValue());

        // Streamed: one chunk per token, then the finish reason, the usage, [DONE]; the same text in all.
        HttpResponse<String> stream = call("writer", "/v1/completions", token,
                "{\"model\": \"gpt\", \"prompt\": \"Hello there\", \"max_tokens\": 5, \"temperature\": 0, \"stream\": true,"
                        + " \"stream_options\": {\"include_usage\": true}}", Map.of());
        assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(stream.body()).endsWith("data: [DONE]\n\n");
        List<Map<String, Object>> chunks = events(stream.body());
        List<Map<?, ?>> choiceChunks = chunks.stream().map(c -> (List<?>) c.get("choices")).filter(c -> !c.isEmpty())
                .<Map<?, ?>>map(c -> (Map<?, ?>) c.get(0)).toList();
        assertThat(choiceChunks).hasSize(6);
        assertThat(choiceChunks.subList(0, 5)).allSatisfy(c -> assertThat(c.get("finish_reason")).isNull())
                .allSatisfy(c -> assertThat((String) c.get("text")).isNotEmpty());
        assertThat(choiceChunks.get(5).get("finish_reason")).isEqualTo("length");
        assertThat(choiceChunks.stream().map(c -> (String) c.get("text")).reduce("", String::concat))
                .isEqualTo(greedy.get("generatedText"));
        assertThat(chunks.get(chunks.size() - 1).get("usage")).isEqualTo(usage);
        assertThat(chunks.stream().map(c -> c.get("id")).distinct()).hasSize(1);

        HttpResponse<String> langchain = call("writer", "/score", token,
                "{\"inputs\": {\"input_string\": [\"\\\"Hello there\\\"\"]}, \"parameters\": {\"max_new_tokens\": 5}}",
                Map.of());
        assertThat(langchain.statusCode()).as(langchain.body()).isEqualTo(200);
        assertThat(list(langchain.body())).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("0", choice.get("text")));

        // OpenAI's own Python SDK, as an application would call the endpoint.
        Map<String, Object> sdk = map(ReferencePython.run(Duration.ofMinutes(2), Map.of(),
                "reference/clients/openai_client.py", "completions", system.base().resolve("/endpoints/writer/v1").toString(),
                token, "gpt", "Hello there", "5").strip().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(sdk).containsEntry("text", greedy.get("generatedText")).containsEntry("streamed", greedy.get("generatedText"))
                .containsEntry("model", "gpt").containsEntry("models", List.of("gpt"));
        assertThat(sdk.get("finish_reason")).isIn("stop", "length");
        Map<?, ?> sdkUsage = (Map<?, ?>) sdk.get("usage");
        assertThat(sdkUsage.get("prompt_tokens")).isEqualTo(usage.get("prompt_tokens"));
        assertThat(sdkUsage.get("completion_tokens")).isEqualTo(usage.get("completion_tokens"));
        assertThat(((Map<?, ?>) sdk.get("refused")).get("status")).isEqualTo(400);
        assertThat(((Map<?, ?>) sdk.get("refused")).get("message").toString()).contains("max_tokens");
        assertThat(sdk.get("stream_finish_reasons")).isEqualTo(List.of("length"));
        assertThat(sdk.get("stream_usage")).isEqualTo(sdkUsage);
        // n choices: greedy ones are all the same; sampled ones each draw with their own seed, the first with the
        // request's seed (as "Try it" with that seed), and streaming them gives the same texts.
        assertThat((List<Object>) sdk.get("greedy_n")).hasSize(3).containsOnly(greedy.get("generatedText"));
        List<?> sampled = (List<?>) sdk.get("sampled_n");
        assertThat(sampled).hasSize(4);
        assertThat(sampled.stream().distinct().count()).isGreaterThan(1);
        assertThat(sampled.get(0)).isEqualTo(tryIt(generator, Map.of("text", "Hello there", "generation",
                Map.of("maxNewTokens", 5, "temperature", 1.0, "seed", 11))).get("generatedText"));
        assertThat(sdk.get("sampled_n_streamed")).isEqualTo(sampled);
        // A model without a chat template cannot chat, and says why.
        assertThat(((Map<?, ?>) sdk.get("refused_chat")).get("status")).isEqualTo(400);
        assertThat(((Map<?, ?>) sdk.get("refused_chat")).get("message").toString()).contains("no chat template");
        // Log-probabilities, as the SDK reads them: greedy, so each chosen token is the likeliest of its step; the
        // offsets count from the prompt's start; streamed, the chunks' add up to the whole answer's.
        assertThat(sdk.get("logprobs_text")).isEqualTo(greedy.get("generatedText"));
        Map<?, ?> logprobs = (Map<?, ?>) sdk.get("logprobs");
        List<?> tokenLogprobs = (List<?>) logprobs.get("token_logprobs");
        List<?> tops = (List<?>) logprobs.get("top_logprobs");
        List<?> offsets = (List<?>) logprobs.get("text_offset");
        assertThat(tokenLogprobs).isNotEmpty().hasSameSizeAs((List<?>) logprobs.get("tokens")).hasSameSizeAs(tops)
                .hasSameSizeAs(offsets);
        assertThat(offsets.get(0)).isEqualTo("Hello there".length());
        for (int i = 0; i < tokenLogprobs.size(); i++) {
            double chosen = ((Number) tokenLogprobs.get(i)).doubleValue();
            assertThat(chosen).isNegative().isEqualTo(((Map<?, ?>) tops.get(i)).values().stream()
                    .mapToDouble(v -> ((Number) v).doubleValue()).max().orElseThrow());
            assertThat(((Map<?, ?>) tops.get(i)).size()).isBetween(2, 3);
        }
        Map<?, ?> streamedLogprobs = (Map<?, ?>) sdk.get("streamed_logprobs");
        assertThat(streamedLogprobs.get("tokens")).isEqualTo(logprobs.get("tokens"));
        assertThat(streamedLogprobs.get("token_logprobs")).isEqualTo(tokenLogprobs);
        assertThat(streamedLogprobs.get("text_offset")).isEqualTo(offsets);
        // More than OpenAI gives is refused by name.
        Map<?, ?> refusedLogprobs = (Map<?, ?>) sdk.get("refused_logprobs");
        assertThat(refusedLogprobs.get("status")).isEqualTo(400);
        assertThat(refusedLogprobs.get("param")).isEqualTo("logprobs");

        HttpResponse<String> bad = call("writer", "/v1/completions", token, "{\"model\": \"gpt\", \"prompt\": 7}", Map.of());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(map(bad.body()).get("error").toString()).contains("param=prompt");
        assertThat(call("writer", "/v1/completions", "mc_pat_revoked", "{}", Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void aChatModelAnswersChatCompletionsWithItsTemplateStreamedAndNot() {
        String key = endpoint("chatter", "key");
        deploy("chatter", "qwenish", chatModel, 1);

        // OpenAI's SDK: chat, the same chat streamed, and the prompt transformers renders from the model's own
        // files completed through /v1/completions: all greedy, so all the same text.
        Map<String, Object> sdk = map(ReferencePython.run(Duration.ofMinutes(2), Map.of("HF_HUB_OFFLINE", "1"),
                "reference/clients/openai_client.py", "chat", system.base().resolve("/endpoints/chatter/v1").toString(),
                key, "qwenish", Fixtures.model(CHAT_FIXTURE).toString(), "8").strip().lines().reduce((a, b) -> b)
                .orElseThrow());
        assertThat(sdk).containsEntry("object", "chat.completion").containsEntry("role", "assistant");
        assertThat(sdk.get("rendered").toString()).startsWith("<|im_start|>system\nBe terse.<|im_end|>\n")
                .endsWith("<|im_start|>assistant\n");
        assertThat(sdk.get("content")).isEqualTo(sdk.get("completion")).isEqualTo(sdk.get("transformers_greedy"));
        assertThat(sdk.get("sampled")).isEqualTo(sdk.get("sampled_completion")).isEqualTo(sdk.get("sampled_streamed"))
                .isNotEqualTo(sdk.get("content"));
        assertThat(sdk.get("streamed")).isEqualTo(sdk.get("content"));
        assertThat(sdk.get("stream_roles")).isEqualTo(List.of("assistant"));
        assertThat(sdk.get("stream_objects")).isEqualTo(List.of("chat.completion.chunk"));
        assertThat(sdk.get("finish_reason")).isIn("stop", "length");
        assertThat(sdk.get("stream_finish_reasons")).isEqualTo(List.of(sdk.get("finish_reason")));
        Map<?, ?> usage = (Map<?, ?>) sdk.get("usage");
        assertThat(usage.get("prompt_tokens")).as("the rendered prompt, tokenized as transformers does")
                .isEqualTo(sdk.get("rendered_tokens"));
        assertThat(sdk.get("stream_usage")).isEqualTo(usage);
        // The chat's log-probabilities are transformers' for its own greedy generation: each token, its log-softmax
        // and the two likeliest, to float precision; streamed, the same.
        List<?> logprobs = (List<?>) sdk.get("logprobs");
        List<?> reference = (List<?>) sdk.get("transformers_logprobs");
        assertThat(logprobs).isNotEmpty().hasSameSizeAs(reference);
        for (int i = 0; i < reference.size(); i++) {
            Map<?, ?> ours = (Map<?, ?>) logprobs.get(i);
            Map<?, ?> theirs = (Map<?, ?>) reference.get(i);
            assertThat(ours.get("token")).as("token %d", i).isEqualTo(theirs.get("token"));
            assertThat(((Number) ours.get("logprob")).doubleValue())
                    .isCloseTo(((Number) theirs.get("logprob")).doubleValue(), within(1e-4));
            List<?> ourTop = (List<?>) ours.get("top");
            List<?> theirTop = (List<?>) theirs.get("top");
            assertThat(ourTop).hasSize(2);
            for (int rank = 0; rank < 2; rank++) {
                assertThat(((Number) ((List<?>) ourTop.get(rank)).get(1)).doubleValue()).as("token %d, rank %d", i, rank)
                        .isCloseTo(((Number) ((List<?>) theirTop.get(rank)).get(1)).doubleValue(), within(1e-4));
            }
        }
        assertThat(sdk.get("streamed_logprobs")).isEqualTo(logprobs);
        // A prompt echoed with no new token, as evaluation harnesses score a text: its tokens are transformers', the
        // first without a log-probability, the others transformers' log-softmax over the same tokens.
        assertThat(sdk.get("echoed_text")).isEqualTo("The cat sat on the mat. 猫");
        assertThat(sdk.get("echoed_finish_reason")).isEqualTo("length");
        assertThat(sdk.get("echoed_tokens")).isEqualTo(sdk.get("transformers_echo_tokens"));
        List<?> echoed = (List<?>) sdk.get("echoed_token_logprobs");
        List<?> echoReference = (List<?>) sdk.get("transformers_echo_logprobs");
        assertThat(echoed).hasSize(echoReference.size() + 1).first().isNull();
        for (int i = 0; i < echoReference.size(); i++) {
            assertThat(((Number) echoed.get(i + 1)).doubleValue()).as("prompt token %d", i + 1)
                    .isCloseTo(((Number) echoReference.get(i)).doubleValue(), within(1e-4));
        }
        assertThat(((List<?>) sdk.get("echoed_text_offset")).get(0)).isEqualTo(0);
        // lm-evaluation-harness's request: one value per prompt token and one for the new token (an end-of-sequence
        // token included), the prompt's as above; each of its top_logprobs holds the chosen token.
        List<?> harness = (List<?>) sdk.get("harness_token_logprobs");
        assertThat(harness).hasSize(echoed.size() + 1);
        assertThat(harness.subList(0, echoed.size())).isEqualTo(echoed);
        assertThat(((List<?>) sdk.get("harness_top_logprobs")).get(0)).isNull();
        // The prompt as token ids (the harness's default) answers the same, its echo the ids' text.
        assertThat(sdk.get("harness_ids_token_logprobs")).isEqualTo(harness);
        assertThat(sdk.get("harness_ids_text").toString()).startsWith("The cat sat on the mat. 猫");

        // The serverless-style route answers the same; a bad conversation is an OpenAI-shaped 400 naming messages.
        HttpResponse<String> inference = call("chatter", "/models/chat/completions", key, "{\"model\": \"qwenish\","
                + " \"messages\": [{\"role\": \"system\", \"content\": \"Be terse.\"}, {\"role\": \"user\","
                + " \"content\": [{\"type\": \"text\", \"text\": \"the cat sat? \"}, {\"type\": \"text\", \"text\": \"猫\"}]}],"
                + " \"max_tokens\": 8, \"temperature\": 0}", Map.of());
        assertThat(inference.statusCode()).as(inference.body()).isEqualTo(200);
        Map<?, ?> message = (Map<?, ?>) ((Map<?, ?>) ((List<?>) map(inference.body()).get("choices")).get(0)).get("message");
        assertThat(message.get("content")).isEqualTo(sdk.get("content"));
        HttpResponse<String> noMessages = call("chatter", "/v1/chat/completions", key,
                "{\"model\": \"qwenish\", \"messages\": []}", Map.of());
        assertThat(noMessages.statusCode()).isEqualTo(400);
        assertThat(map(noMessages.body()).get("error").toString()).contains("param=messages");
    }
}
