package io.modelcat.system.ml;

import static io.modelcat.testsupport.ModelArchives.aModelArchive;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.ReferencePython;
import io.modelcat.testsupport.hub.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * ModelCat as the Hub of an air-gapped site: a model fine-tuned and registered in ModelCat, and one uploaded as an
 * archive, are downloaded by huggingface_hub ({@code snapshot_download}, {@code hf_hub_download} resuming after a
 * broken connection) and loaded by transformers' {@code from_pretrained("modelcat/<name>")} with HF_ENDPOINT set to
 * ModelCat's /hub and HF_TOKEN to a contributor's API token; the scores transformers computes are the engine's.
 * Without a token, with a viewer's (viewers may not download models), with a wrong one, and for what is not there,
 * huggingface_hub raises the errors it raises against the Hub
 * ({@code reference/tests/test_hub.py}). A LoRA fine-tune is a PEFT repository that peft's
 * {@code AutoPeftModelForCausalLM} loads with its base, both from ModelCat, scoring texts as the engine's evaluation
 * did ({@code reference/tests/test_hub_peft.py}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HubSystemTest {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TEXTS = List.of("the movie was good .", "the cat sat on a bad mat",
            "a dog is great");

    private FakeHub hub;
    private RunningSystem system;

    @BeforeAll
    void start() {
        hub = FakeHub.start();
        hub.addRepo("hf-tiny/bert", Fixtures.model("bert"));
        hub.addRepo("hf-tiny/gpt2", Fixtures.model("gpt2"));
        system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()));
        system.addRunner("runner-a", Map.of());
    }

    @AfterAll
    void stop() {
        system.close();
        hub.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void huggingFaceHubAndTransformersLoadModelsFromModelCat() throws IOException {
        String base = system.importModel("hf-tiny/bert", JOB_TIMEOUT);
        RunningSystem.Answer data = system.upload("/api/v1/datasets?name=reviews", "text/csv", SentimentData.csv(80, 3));
        assertThat(data.status()).as(data.body()).isEqualTo(201);
        RunningSystem.Answer submitted = system.post("/api/v1/finetunes", Map.of("modelId", base,
                "task", "text-classification", "trainDatasetId", data.map().get("id"),
                "mapping", Map.of("sentence1", "review", "label", "sentiment"),
                "hyperparameters", Map.of("epochs", 1, "batchSize", 8, "learningRate", 3e-3, "seed", 7)));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        Map<String, Object> job = system.awaitJob(submitted.map().get("id"), JOB_TIMEOUT, "succeeded", "failed", "cancelled");
        assertThat(job).as(job.toString()).containsEntry("state", "succeeded");
        RunningSystem.Answer registered = system.post("/api/v1/jobs/" + job.get("id") + "/register",
                Map.of("name", "hub-sentiment"));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String tuned = (String) registered.map().get("id");

        List<Map<String, Object>> predictions = new ArrayList<>();
        for (String text : TEXTS) {
            RunningSystem.Answer tried = system.post("/api/v1/models/" + tuned + "/predict", Map.of("text", text));
            assertThat(tried.status()).as(tried.body()).isEqualTo(200);
            Map<String, Object> prediction = (Map<String, Object>) ((Map<String, Object>) tried.map().get("result"))
                    .get("prediction");
            predictions.add(Map.of("text", text, "labels", prediction.get("labels")));
        }

        RunningSystem.Answer uploaded = system.upload("/api/v1/model-uploads?name=acme/uploaded-distilbert",
                "application/zip", aModelArchive().from(Fixtures.model("distilbert-sequence-classification"))
                        .withReadme("---\nlicense: apache-2.0\ntags: [air-gapped]\n---\n# Carried in on a disk\n")
                        .inFolder("distilbert").zip());
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);

        Map<String, Object> info = system.get("/hub/api/models/modelcat/hub-sentiment").map();
        assertThat(info).as(info.toString()).containsEntry("id", "modelcat/hub-sentiment");

        String token = tokenOf("notebook", "contributor");
        String viewerToken = tokenOf("reader", "viewer");

        Path work = Files.createTempDirectory("hub-system-test");
        Path caseFile = work.resolve("case.json");
        Map<String, Object> hubCase = new HashMap<>();
        hubCase.put("finetuned", "modelcat/hub-sentiment");
        hubCase.put("commit", info.get("sha"));
        hubCase.put("uploaded", "acme/uploaded-distilbert");
        hubCase.put("predictions", predictions);
        hubCase.put("viewerToken", viewerToken);
        hubCase.put("license", registered.map().get("license"));
        hubCase.put("baseModel", "hf-tiny/bert");
        hubCase.put("dataset", "reviews");
        hubCase.put("metrics", ((Map<String, Object>) job.get("result")).get("metrics"));
        JSON.writeValue(caseFile.toFile(), hubCase);

        Map<String, String> env = clientEnvironment(work, token);
        env.put("MODELCAT_HUB_CASE", caseFile.toString());
        String output = ReferencePython.run(Duration.ofMinutes(5), env, "-m", "pytest", "-v", "-p", "no:cacheprovider",
                "reference/tests/test_hub.py");
        assertThat(output).contains("12 passed").doesNotContain("skipped");
    }

    @Test
    @SuppressWarnings("unchecked")
    void peftLoadsALoraFineTuneAndItsBaseFromModelCat() throws IOException {
        String base = system.importModel("hf-tiny/gpt2", JOB_TIMEOUT);
        StringBuilder texts = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            texts.append("{\"text\": \"").append(TEXTS.get(i % TEXTS.size())).append("\"}\n");
        }
        RunningSystem.Answer data = system.upload("/api/v1/datasets?name=lines", "application/x-ndjson", texts.toString());
        assertThat(data.status()).as(data.body()).isEqualTo(201);
        Map<String, Object> mapping = Map.of("text", "text");
        Map<String, Object> job = run("/api/v1/finetunes", Map.of("modelId", base, "task", "text-generation",
                "trainDatasetId", data.map().get("id"), "mapping", mapping,
                "hyperparameters", Map.of("epochs", 1, "batchSize", 8, "learningRate", 2e-2, "seed", 7, "loraRank", 8)));
        RunningSystem.Answer registered = system.post("/api/v1/jobs/" + job.get("id") + "/register",
                Map.of("name", "hub-gpt2-lora"));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String tuned = (String) registered.map().get("id");

        // The engine's scores of a few texts with the adapter: each text's perplexity, and the loss over all of them.
        StringBuilder few = new StringBuilder();
        TEXTS.forEach(t -> few.append("{\"text\": \"").append(t).append("\"}\n"));
        RunningSystem.Answer evalData = system.upload("/api/v1/datasets?name=few-lines", "application/x-ndjson",
                few.toString());
        assertThat(evalData.status()).as(evalData.body()).isEqualTo(201);
        Map<String, Object> evaluation = run("/api/v1/evaluations", Map.of("modelId", tuned,
                "datasetId", evalData.map().get("id"), "task", "text-generation", "mapping", mapping));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> row : system.get("/api/v1/jobs/" + evaluation.get("id") + "/predictions").list()) {
            rows.add(Map.of("text", ((Map<String, Object>) row.get("input")).get("text"),
                    "perplexity", ((Map<String, Object>) row.get("predicted")).get("perplexity")));
        }
        assertThat(rows).hasSize(TEXTS.size());

        Path work = Files.createTempDirectory("hub-peft-system-test");
        Path caseFile = work.resolve("case.json");
        Map<String, Object> peftCase = new HashMap<>();
        peftCase.put("adapter", "modelcat/hub-gpt2-lora");
        peftCase.put("base", "hf-tiny/gpt2");
        peftCase.put("baseCommit", system.get("/hub/api/models/hf-tiny/gpt2").map().get("sha"));
        peftCase.put("rank", 8);
        peftCase.put("rows", rows);
        peftCase.put("loss", ((Map<String, Object>) ((Map<String, Object>) evaluation.get("result")).get("metrics"))
                .get("loss"));
        JSON.writeValue(caseFile.toFile(), peftCase);

        Map<String, String> env = clientEnvironment(work, tokenOf("peft-notebook", "contributor"));
        env.put("MODELCAT_HUB_PEFT_CASE", caseFile.toString());
        String output = ReferencePython.run(Duration.ofMinutes(5), env, "-m", "pytest", "-v", "-p", "no:cacheprovider",
                "reference/tests/test_hub_peft.py");
        assertThat(output).contains("5 passed").doesNotContain("skipped");
    }

    /** huggingface_hub and transformers pointed at ModelCat's /hub with {@code token}, caching under {@code work}. */
    private Map<String, String> clientEnvironment(Path work, String token) {
        Map<String, String> env = new HashMap<>();
        env.put("HF_ENDPOINT", system.base().resolve("/hub").toString());
        env.put("HF_TOKEN", token);
        env.put("HF_HOME", work.resolve("hf-home").toString());
        env.put("HF_HUB_OFFLINE", "0");
        env.put("TRANSFORMERS_OFFLINE", "0");
        env.put("HF_HUB_DISABLE_TELEMETRY", "1");
        env.put("HF_HUB_DISABLE_XET", "1");
        return env;
    }

    private Map<String, Object> run(String path, Map<String, Object> body) {
        RunningSystem.Answer answer = system.post(path, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        Map<String, Object> done = system.awaitJob(answer.map().get("id"), JOB_TIMEOUT, "succeeded", "failed", "cancelled");
        assertThat(done).as(done.toString()).containsEntry("state", "succeeded");
        return done;
    }

    /** A new account of {@code role} and a personal API token of it, made by the admin. */
    private String tokenOf(String username, String role) {
        RunningSystem.Answer user = system.post("/api/v1/users", Map.of("username", username, "role", role));
        assertThat(user.status()).as(user.body()).isEqualTo(201);
        RunningSystem.Answer token = system.post("/api/v1/users/" + user.map().get("id") + "/tokens",
                Map.of("name", "HF_TOKEN"));
        assertThat(token.status()).as(token.body()).isEqualTo(201);
        return (String) token.map().get("value");
    }
}
