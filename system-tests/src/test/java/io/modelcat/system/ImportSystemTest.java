package io.modelcat.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import io.modelcat.testsupport.hub.FakeRepoOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Importing Hugging Face models by MODEL_ID through the API, from a local server that speaks the Hub's API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImportSystemTest {

    private static final Duration IMPORT_TIMEOUT = Duration.ofSeconds(60);

    private FakeHub hub;
    private RunningSystem system;

    @BeforeAll
    void start() {
        hub = FakeHub.start();
        hub.addRepo("hf-tiny/bert", Fixtures.model("bert"));
        hub.addRepo("hf-tiny/bert-again", Fixtures.model("bert"));
        hub.addRepo("openai-community/gpt2", Fixtures.model("gpt2"), FakeRepoOptions.defaults().withLicense("mit"));
        hub.addRepo("hf-tiny/gated", Fixtures.model("bert"), FakeRepoOptions.defaults().withGate("secret-token"));
        hub.addRepo("hf-tiny/members-only", Fixtures.model("bert"), FakeRepoOptions.defaults().withGate("hf_stored_token"));
        hub.addRepo("hf-tiny/pickles", Fixtures.model("bert"), FakeRepoOptions.defaults().withPickleOnlyWeights());
        hub.addRepo("hf-tiny/vision", Fixtures.model("bert"), FakeRepoOptions.defaults().withPipelineTag("image-classification"));
        hub.addRepo("hf-tiny/busy", Fixtures.model("distilbert"), FakeRepoOptions.defaults().withRateLimit(1, 1));
        hub.addRepo("hf-tiny/corrupt", Fixtures.model("bert"), FakeRepoOptions.defaults().withCorruptFile("model.safetensors"));
        hub.addRepo("hf-tiny/flaky", Fixtures.model("bert"),
                FakeRepoOptions.defaults().withConnectionBrokenOnce("model.safetensors", 40_000));
        system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString(),
                "MODELCAT_RUNNER_RETRY_BACKOFF", "1s"));
        system.addRunner("importer", Map.of("MODELCAT_RUNNER_CPU_SLOTS", "2"));
    }

    @AfterAll
    void stop() {
        system.close();
        hub.close();
    }

    @Test
    void aGatedModelImportsWithTheTokenAnAdminStoredAsASecret() {
        RunningSystem.Answer set = system.put("/api/v1/secrets/huggingface-token", Map.of("value", "hf_stored_token"));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).doesNotContain("hf_stored_token");
        try {
            Map<String, Object> job = importAndWait("hf-tiny/members-only");
            assertThat(job).as(job.toString()).containsEntry("state", "succeeded");
            String logs = system.get("/api/v1/jobs/" + job.get("id") + "/logs").body();
            assertThat(logs).contains("token: the stored huggingface-token secret").doesNotContain("hf_stored_token");
        } finally {
            system.delete("/api/v1/secrets/huggingface-token");
        }
    }

    private Map<String, Object> importAndWait(String modelId) {
        RunningSystem.Answer answer = system.post("/api/v1/imports", Map.of("modelId", modelId));
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        return system.awaitJob(answer.map().get("id"), IMPORT_TIMEOUT, "succeeded", "failed", "cancelled");
    }

    @Test
    void importsACompleteUsableModelAndReimportingChangesNothing() throws IOException {
        Map<String, Object> job = importAndWait("hf-tiny/bert");
        assertThat(job).as(job.toString()).containsEntry("state", "succeeded").containsEntry("progress", 1.0);
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) job.get("result");
        assertThat(result).containsEntry("versionNumber", 1).containsEntry("newVersion", true)
                .containsEntry("revision", hub.repo("hf-tiny/bert").sha());

        Map<String, Object> card = system.get("/api/v1/models/" + result.get("modelId")).map();
        assertThat(card).containsEntry("name", "bert").containsEntry("publisher", "hf-tiny")
                .containsEntry("task", "text-classification").containsEntry("license", "apache-2.0")
                .containsEntry("status", "ready").containsEntry("architecture", "BertForSequenceClassification")
                .containsEntry("finetuningTasks", List.of("text-classification", "token-classification", "question-answering"));
        assertThat(card.get("source")).isEqualTo(Map.of("type", "huggingface", "repo", "hf-tiny/bert",
                "revision", hub.repo("hf-tiny/bert").sha()));
        @SuppressWarnings("unchecked")
        Map<String, Object> version = (Map<String, Object>) card.get("latestVersion");
        Path dir = Path.of(URI.create((String) version.get("artifactUri")));
        for (String file : List.of("config.json", "tokenizer.json", "model.safetensors")) {
            assertThat(Files.mismatch(dir.resolve(file), Fixtures.model("bert").resolve(file))).as(file).isEqualTo(-1);
        }

        Map<String, Object> again = importAndWait("hf-tiny/bert");
        assertThat(again).containsEntry("state", "succeeded");
        @SuppressWarnings("unchecked")
        Map<String, Object> againResult = (Map<String, Object>) again.get("result");
        assertThat(againResult).containsEntry("newVersion", false).containsEntry("versionNumber", 1);
        assertThat(system.get("/api/v1/models/" + result.get("modelId") + "/versions").list()).hasSize(1);
        assertThat(cardsFor("hf-tiny/bert")).isEqualTo(1);
    }

    @Test
    void importingACuratedModelFillsItsCard() {
        Map<String, Object> seeded = system.get("/api/v1/models?q=gpt2&sort=name").items().stream()
                .filter(m -> "gpt2".equals(m.get("name"))).findFirst().orElseThrow();
        assertThat(seeded).containsEntry("status", "not_imported");

        Map<String, Object> job = importAndWait("openai-community/gpt2");

        assertThat(job).containsEntry("state", "succeeded").containsEntry("modelId", seeded.get("id"));
        Map<String, Object> card = system.get("/api/v1/models/" + seeded.get("id")).map();
        assertThat(card).containsEntry("status", "ready").containsEntry("task", "text-generation")
                .containsEntry("finetuningTasks", List.of("question-answering", "text-generation")).containsEntry("versionCount", 1);
        assertThat(cardsFor("openai-community/gpt2")).isEqualTo(1);
    }

    @Test
    void eachFailureIsSpecificAndLeavesNoCardAndNoFiles() throws IOException {
        assertFailed("hf-tiny/does-not-exist", "not found");
        assertFailed("hf-tiny/gated", "HF_TOKEN");
        assertFailed("hf-tiny/pickles", "pickle");
        assertFailed("hf-tiny/vision", "text-classification");
        assertFailed("hf-tiny/corrupt", "SHA-256");
        for (String repo : List.of("hf-tiny/does-not-exist", "hf-tiny/gated", "hf-tiny/pickles", "hf-tiny/vision",
                "hf-tiny/corrupt")) {
            assertThat(cardsFor(repo)).as(repo).isZero();
        }
        Path store = system.home().resolve("models");
        if (Files.isDirectory(store)) {
            try (Stream<Path> entries = Files.walk(store)) {
                assertThat(entries.map(Path::toString))
                        .noneMatch(p -> p.contains("gated") || p.contains("pickles") || p.contains("vision")
                                || p.contains("corrupt") || p.contains(".tmp"));
            }
        }
    }

    private void assertFailed(String modelId, String expected) {
        Map<String, Object> job = importAndWait(modelId);
        assertThat(job).as(modelId).containsEntry("state", "failed");
        assertThat(((String) job.get("error")).toLowerCase()).as(modelId).contains(expected.toLowerCase());
    }

    @Test
    void rateLimitsAndBrokenConnectionsAreRetriedToSuccess() {
        Map<String, Object> busy = importAndWait("hf-tiny/busy");
        assertThat(busy).as(busy.toString()).containsEntry("state", "succeeded");
        Map<String, Object> flaky = importAndWait("hf-tiny/flaky");
        assertThat(flaky).as(flaky.toString()).containsEntry("state", "succeeded");
        assertThat(hub.requestsTo("/").stream().anyMatch(r -> r.header("Range") != null)).isTrue();
    }

    @Test
    void concurrentImportsOfOneModelMakeOneVersion() {
        Object first = system.post("/api/v1/imports", Map.of("modelId", "hf-tiny/bert-again")).map().get("id");
        Object second = system.post("/api/v1/imports", Map.of("modelId", "hf-tiny/bert-again")).map().get("id");
        Map<String, Object> a = system.awaitJob(first, IMPORT_TIMEOUT, "succeeded", "failed");
        Map<String, Object> b = system.awaitJob(second, IMPORT_TIMEOUT, "succeeded", "failed");
        assertThat(a).containsEntry("state", "succeeded");
        assertThat(b).containsEntry("state", "succeeded");
        assertThat(cardsFor("hf-tiny/bert-again")).isEqualTo(1);
        Object modelId = ((Map<?, ?>) a.get("result")).get("modelId");
        assertThat(system.get("/api/v1/models/" + modelId + "/versions").list()).hasSize(1);
    }

    @Test
    void rejectsMalformedModelIds() {
        for (String bad : List.of("../etc/passwd", "/abs/path", "a/b/c", "a..b", "", "x".repeat(300))) {
            RunningSystem.Answer answer = system.post("/api/v1/imports", Map.of("modelId", bad));
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.body()).as(bad).contains("modelId");
        }
        RunningSystem.Answer badRevision = system.post("/api/v1/imports", Map.of("modelId", "ok/name", "revision", "../x"));
        assertThat(badRevision.status()).isEqualTo(400);
        assertThat(badRevision.body()).contains("revision");
    }

    private long cardsFor(String repo) {
        return system.get("/api/v1/models?limit=100&q=" + repo.replace('/', '+').replace('-', '+')).items().stream()
                .filter(m -> repo.equals(((Map<?, ?>) m.get("source")).get("repo"))).count();
    }
}
