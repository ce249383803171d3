package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.ReferencePython;
import io.modelcat.testsupport.hub.FakeHub;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * LangChain's {@code AzureMLOnlineEndpoint} (langchain-community, pinned in reference/requirements.txt) calling a
 * deployed GPT-2 with each of its content formatters, as an application would: every formatter's text must be the
 * greedy continuation that "Try it" and the endpoint's own legacy {@code /score} answer give.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LangChainSystemTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String PROMPT = "Hello there";
    private static final int NEW_TOKENS = 6;

    private FakeHub hub;
    private RunningSystem system;
    private String generator;

    @BeforeAll
    void start() {
        hub = FakeHub.start();
        hub.addRepo("hf-tiny/gpt2", Fixtures.model("gpt2"));
        system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()));
        system.addRunner("server-a", Map.of());
        generator = system.importModel("hf-tiny/gpt2", TIMEOUT);
    }

    @AfterAll
    void stop() {
        system.close();
        hub.close();
    }

    @Test
    void everyContentFormatterGetsTheGreedyContinuation() {
        RunningSystem.Answer made = system.post("/api/v1/endpoints", Map.of("name", "chain", "authMode", "key"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String key = (String) ((Map<?, ?>) made.map().get("keys")).get("primaryKey");
        Map<String, Object> endpoint = system.get("/api/v1/endpoints/chain").map();
        String scoringUri = (String) endpoint.get("scoringUri");
        // Azure's shape, which LangChain checks: the path is /score, the key names the endpoint.
        String keyScoringUri = (String) endpoint.get("keyScoringUri");
        assertThat(URI.create(keyScoringUri).getPath()).as(endpoint.toString()).isEqualTo("/score");
        String completionsUri = URI.create(keyScoringUri).resolve("/completions").toString();
        RunningSystem.Answer deployed = system.post("/api/v1/endpoints/chain/deployments",
                Map.of("name", "gpt", "modelId", generator));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
        system.awaitValue(TIMEOUT, () -> system.get("/api/v1/endpoints/chain").map().get("deployments").toString(),
                d -> d.contains("state=ready"));

        Map<?, ?> tried = (Map<?, ?>) ((Map<?, ?>) system.post("/api/v1/models/" + generator + "/predict",
                Map.of("text", PROMPT, "generation", Map.of("maxNewTokens", NEW_TOKENS))).map().get("result"))
                .get("prediction");
        String greedy = (String) tried.get("generatedText");
        assertThat(greedy).isNotBlank();
        RunningSystem.Answer legacy = system.postJson(URI.create(scoringUri), "{\"inputs\": {\"input_string\": [\""
                + PROMPT + "\"]}, \"parameters\": {\"max_new_tokens\": " + NEW_TOKENS + ", \"do_sample\": false}}", key);
        assertThat(legacy.status()).as(legacy.body()).isEqualTo(200);
        assertThat(legacy.list()).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("0", greedy));

        String printed = ReferencePython.run(Duration.ofMinutes(2), Map.of(), "reference/clients/langchain_client.py",
                keyScoringUri, completionsUri, key, "gpt", PROMPT, Integer.toString(NEW_TOKENS));
        Map<String, Object> client = new RunningSystem.Answer(200,
                printed.strip().lines().reduce((a, b) -> b).orElseThrow(), null).map();
        Map<?, ?> formatters = (Map<?, ?>) client.get("formatters");

        for (String name : List.of("GPT2ContentFormatter", "DollyContentFormatter", "CustomOpenAIContentFormatter",
                "LlamaContentFormatter", "GPT2ContentFormatter pinned")) {
            assertThat(formatters.get(name)).as(name).isEqualTo(Map.of("text", greedy));
        }
        // Hugging Face's shape answers the prompt and its continuation, as a transformers pipeline does.
        assertThat(formatters.get("HFContentFormatter")).isEqualTo(Map.of("text", PROMPT + greedy));
        // Serverless: OpenAI's completions, whose text LangChain strips; without a model the traffic split answers.
        assertThat(formatters.get("CustomOpenAIContentFormatter serverless")).isEqualTo(Map.of("text", greedy.strip()));
        assertThat(formatters.get("CustomOpenAIContentFormatter serverless with model"))
                .isEqualTo(Map.of("text", greedy.strip()));
    }
}
