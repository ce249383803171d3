package io.modelcat.catalog.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.testsupport.llm.FakeLlmProvider;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Prompt flows and bulk tests through real HTTP: saving with every bad field named, running a row through the LLM
 * mesh against a local fake provider (which answers "echo: " and the last message), and asking for bulk tests.
 * Bulk tests running on a runner are in BulkTestSystemTest.
 */
@MicronautTest(transactional = false)
class FlowApiTest extends CatalogTestBase {

    private final FakeLlmProvider provider = FakeLlmProvider.start();

    @BeforeEach
    void connect() {
        provider.reset();
        api.delete("/api/v1/llm/connections/hosted");
        connectHosted(api, provider);
        api.get("/api/v1/flows").items().forEach(f -> api.delete("/api/v1/flows/" + f.get("name")));
    }

    /** The connection "hosted" to the fake provider: fake-small (priced) and fake-large (not). */
    static void connectHosted(ApiClient admin, FakeLlmProvider provider) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "hosted");
        body.put("kind", "openai-compatible");
        body.put("baseUrl", provider.baseUrl());
        body.put("allowedModels", List.of("fake-small", "fake-large"));
        body.put("prices", Map.of("fake-small", Map.of("inputPerMillion", 500_000, "outputPerMillion", 1_000_000)));
        ApiClient.Answer created = admin.post("/api/v1/llm/connections", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    @AfterAll
    void stopProvider() {
        provider.close();
    }

    /** Classify a review (two wordings), then say why. */
    static Map<String, Object> reviewFlow(String name) {
        Map<String, Object> parser = Map.of("type", "label", "labels", List.of("positive", "negative"));
        Map<String, Object> plain = new HashMap<>(Map.of("name", "plain", "model", "hosted/fake-small",
                "prompt", "{{ review }}", "parser", parser, "temperature", 0.0));
        Map<String, Object> pessimist = new HashMap<>(Map.of("name", "pessimist", "model", "hosted/fake-large",
                "system", "You are terse.", "prompt", "negative, whatever '{{ review }}' says", "parser", parser));
        Map<String, Object> explain = Map.of("name", "plain", "model", "hosted/fake-small",
                "prompt", "The review is {{ label }}.");
        Map<String, Object> flow = new HashMap<>();
        flow.put("name", name);
        flow.put("description", "sentiment, then a sentence");
        flow.put("inputs", List.of("review"));
        flow.put("steps", List.of(Map.of("name", "label", "variants", List.of(plain, pessimist)),
                Map.of("name", "why", "variants", List.of(explain))));
        return flow;
    }

    @Test
    void aFlowIsSavedReadChangedAndDeleted() {
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        ApiClient.Answer created = contributor.post("/api/v1/flows", reviewFlow("reviews"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.map()).containsEntry("name", "reviews").containsEntry("version", 1)
                .containsEntry("inputs", List.of("review")).containsEntry("createdBy", "test-contributor");

        assertThat(contributor.post("/api/v1/flows", reviewFlow("reviews")).status()).isEqualTo(409);
        assertThat(apiAs(Role.VIEWER).get("/api/v1/flows").items()).extracting(f -> f.get("name")).containsExactly("reviews");
        assertThat(apiAs(Role.VIEWER).post("/api/v1/flows", reviewFlow("other")).status()).isEqualTo(403);

        Map<String, Object> changed = reviewFlow("reviews");
        changed.put("description", "changed");
        ApiClient.Answer updated = contributor.put("/api/v1/flows/reviews", changed);
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        assertThat(updated.map()).containsEntry("description", "changed").containsEntry("version", 2)
                .containsEntry("updatedBy", "test-contributor");
        assertThat(api.get("/api/v1/audit?action=flow.update").items()).hasSize(1);

        assertThat(contributor.delete("/api/v1/flows/reviews").status()).isEqualTo(204);
        assertThat(contributor.get("/api/v1/flows/reviews").status()).isEqualTo(404);
        assertThat(contributor.delete("/api/v1/flows/reviews").status()).isEqualTo(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEvaluationMethodsAndTheJudgesDefaultRubricsAreListed() {
        ApiClient.Answer listed = apiAs(Role.VIEWER).get("/api/v1/evaluation-methods");
        assertThat(listed.status()).isEqualTo(200);
        List<Map<String, Object>> methods = (List<Map<String, Object>>) listed.map().get("methods");
        assertThat(methods).extracting(m -> m.get("name")).containsExactly("exact-match", "classification", "token-f1",
                "rouge", "bleu", "embedding-similarity", "llm-judge");
        assertThat(methods.get(5)).containsEntry("needsGroundTruth", true).containsEntry("needsModel", true);
        assertThat(methods.get(6)).containsEntry("needsGroundTruth", false).containsEntry("needsModel", true);
        assertThat(methods.get(1)).containsEntry("needsGroundTruth", true).containsEntry("needsModel", false)
                .containsEntry("metrics", List.of("accuracy", "precision_macro", "recall_macro", "f1_macro"));
        List<Map<String, Object>> aspects = (List<Map<String, Object>>) listed.map().get("aspects");
        assertThat(aspects).extracting(a -> a.get("name")).containsExactly("relevance", "groundedness", "coherence",
                "fluency");
        assertThat((String) aspects.get(3).get("defaultRubric")).contains("fluency").contains("{{ answer }}");
    }

    @Test
    void everyBadFieldOfAFlowIsNamed() {
        Map<String, Object> flow = new HashMap<>();
        flow.put("name", "bad name!");
        flow.put("inputs", List.of("review", "review", "output"));
        flow.put("steps", List.of(
                Map.of("name", "label", "variants", List.of(
                        Map.of("name", "a", "model", "nowhere", "prompt", "{{ reveiw }}", "temperature", 3),
                        Map.of("name", "a", "model", "hosted/fake-small", "prompt", "{% if %}",
                                "parser", Map.of("type", "label")))),
                Map.of("name", "review", "variants", List.of()),
                Map.of("name", "json", "variants", List.of(Map.of("name", "x", "model", "hosted/fake-small",
                        "prompt", "{{ label }}", "parser", Map.of("type", "json-field"))))));
        ApiClient.Answer refused = apiAs(Role.CONTRIBUTOR).post("/api/v1/flows", flow);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.errorFields()).contains("name", "inputs[1]", "inputs[2]", "steps[0].variants[0].model",
                "steps[0].variants[0].prompt", "steps[0].variants[0].temperature", "steps[0].variants[1].name",
                "steps[0].variants[1].prompt", "steps[0].variants[1].parser.labels", "steps[1].name",
                "steps[1].variants", "steps[2].variants[0].parser.field");
        assertThat(refused.body()).contains("reveiw");

        Map<String, Object> nulls = new HashMap<>();
        nulls.put("name", null);
        nulls.put("inputs", java.util.Arrays.asList((Object) null));
        nulls.put("steps", java.util.Arrays.asList(null, Map.of("name", "s", "variants", java.util.Arrays.asList((Object) null)),
                Map.of("name", "t", "variants", List.of(Map.of("name", "v", "model", "hosted/fake-small", "prompt", "x",
                        "parser", Map.of("type", "label", "labels", java.util.Arrays.asList((Object) null)))))));
        ApiClient.Answer nullsRefused = apiAs(Role.CONTRIBUTOR).post("/api/v1/flows", nulls);
        assertThat(nullsRefused.status()).as(nullsRefused.toString()).isEqualTo(400);
        assertThat(nullsRefused.errorFields()).containsExactlyInAnyOrder("name", "inputs[0]", "steps[0]",
                "steps[1].variants[0]", "steps[2].variants[0].parser.labels[0]");

        Map<String, Object> unknownModel = reviewFlow("models");
        unknownModel.put("steps", List.of(Map.of("name", "s", "variants", List.of(
                Map.of("name", "a", "model", "hosted/gpt-9", "prompt", "{{ review }}"),
                Map.of("name", "b", "model", "elsewhere/m", "prompt", "{{ review }}")))));
        ApiClient.Answer models = apiAs(Role.CONTRIBUTOR).post("/api/v1/flows", unknownModel);
        assertThat(models.status()).isEqualTo(400);
        assertThat(models.errorFields()).containsExactly("steps[0].variants[0].model", "steps[0].variants[1].model");
        assertThat(models.body()).contains("does not allow model 'gpt-9'").contains("no LLM connection is called 'elsewhere'");
    }

    @Test
    void aRowRunsEveryStepThroughTheMeshInTheChosenVariant() {
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        assertThat(contributor.post("/api/v1/flows", reviewFlow("reviews")).status()).isEqualTo(201);

        ApiClient.Answer plain = contributor.post("/api/v1/flows/reviews/run",
                Map.of("inputs", Map.of("review", "A positive surprise")));
        assertThat(plain.status()).as(plain.toString()).isEqualTo(200);
        assertThat(plain.map()).containsEntry("outputs", Map.of("label", "positive", "why",
                "echo: The review is positive.", "output", "echo: The review is positive.")).doesNotContainKey("error")
                .containsEntry("promptTokens", 3 + 4).containsEntry("completionTokens", 4 + 5)
                .containsEntry("costUsd", (3 + 2 * 4 + 4 + 2 * 5) / 2.0);
        assertThat(provider.requests("/v1/chat/completions")).hasSize(2);
        assertThat(provider.requests("/v1/chat/completions").get(0).body()).contains("\"temperature\":0.0")
                .contains("\"model\":\"fake-small\"");

        ApiClient.Answer pessimist = contributor.post("/api/v1/flows/reviews/run",
                Map.of("inputs", Map.of("review", "A positive surprise"), "variants", Map.of("label", "pessimist")));
        assertThat(pessimist.map().get("outputs")).isEqualTo(Map.of("label", "negative", "why",
                "echo: The review is negative.", "output", "echo: The review is negative."));
        assertThat(pessimist.map()).as("the large model has no price").containsEntry("costUsd", (4 + 2 * 5) / 2.0);
        assertThat(provider.requests("/v1/chat/completions").get(2).body()).contains("\"role\":\"system\"")
                .contains("You are terse.").contains("\"model\":\"fake-large\"");

        // The answer names no label: the row stops at that step, saying why.
        ApiClient.Answer unlabelled = contributor.post("/api/v1/flows/reviews/run",
                Map.of("inputs", Map.of("review", "meh")));
        assertThat(unlabelled.status()).isEqualTo(200);
        assertThat(unlabelled.map()).containsEntry("failedStep", "label");
        assertThat((String) unlabelled.map().get("error")).contains("names none of the labels [positive, negative]");

        // A provider failure stops the row with the mesh's message.
        provider.failNext(5, 400, null);
        ApiClient.Answer failed = contributor.post("/api/v1/flows/reviews/run", Map.of("inputs", Map.of("review", "x")));
        assertThat((String) failed.map().get("error")).contains("step 'label'").contains("400");

        ApiClient.Answer bad = contributor.post("/api/v1/flows/reviews/run",
                Map.of("inputs", Map.of("text", "x"), "variants", Map.of("label", "optimist", "nope", "a")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorFields()).containsExactlyInAnyOrder("inputs.review", "inputs.text", "variants.label",
                "variants.nope");
        assertThat(apiAs(Role.VIEWER).post("/api/v1/flows/reviews/run", Map.of("inputs", Map.of("review", "x"))).status())
                .isEqualTo(403);
    }

    @Test
    void aBulkTestIsCheckedInFullAndQueuedAsAJob() {
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        assertThat(contributor.post("/api/v1/flows", reviewFlow("reviews")).status()).isEqualTo(201);
        byte[] csv = "text,label\nA positive surprise,positive\nA negative affair,negative\n".getBytes(StandardCharsets.UTF_8);
        ApiClient.Answer uploaded = contributor.upload("/api/v1/datasets?name=reviews", "text/csv", csv, true);
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
        Object datasetId = uploaded.map().get("id");

        Map<String, Object> bad = new HashMap<>();
        bad.put("flow", "reviews");
        bad.put("datasetId", datasetId);
        bad.put("inputColumns", Map.of("review", "body", "extra", "text"));
        bad.put("variantStep", "why");
        bad.put("variants", List.of("plain", "fancy"));
        bad.put("concurrency", 0);
        bad.put("evaluations", List.of(Map.of("method", "accuracy"), Map.of("method", "exact-match", "output", "label"),
                Map.of("method", "llm-judge", "model", "hosted/fake-small", "aspect", "wit"),
                Map.of("method", "rouge", "groundTruth", "label", "output", "nowhere")));
        ApiClient.Answer refused = contributor.post("/api/v1/bulk-tests", bad);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.errorFields()).containsExactlyInAnyOrder("inputColumns.review", "inputColumns.extra",
                "variants[1]", "concurrency", "evaluations[0].method", "evaluations[1].groundTruth",
                "evaluations[2].aspect", "evaluations[3].output");
        assertThat(contributor.post("/api/v1/bulk-tests", Map.of("flow", "nope")).errorFields())
                .containsExactlyInAnyOrder("flow", "datasetId");

        Map<String, Object> good = new HashMap<>();
        good.put("flow", "reviews");
        good.put("datasetId", datasetId);
        good.put("inputColumns", Map.of("review", "text"));
        good.put("variantStep", "label");
        good.put("evaluations", List.of(Map.of("method", "classification", "output", "label", "groundTruth", "label")));
        ApiClient.Answer created = contributor.post("/api/v1/bulk-tests", good);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.map()).containsEntry("flowName", "reviews").containsEntry("runs", List.of("plain", "pessimist"))
                .containsEntry("answered", Map.of("plain", 0, "pessimist", 0)).containsEntry("concurrency", 4)
                .containsEntry("errorThreshold", -1).doesNotContainKey("result");
        @SuppressWarnings("unchecked")
        Map<String, Object> job = (Map<String, Object>) created.map().get("job");
        assertThat(job).containsEntry("kind", "bulk-test").containsEntry("state", "queued");
        String id = (String) created.map().get("id");
        assertThat(contributor.get("/api/v1/bulk-tests/" + id).map()).containsEntry("id", id);
        assertThat(contributor.get("/api/v1/bulk-tests?flow=reviews").items()).hasSize(1);
        assertThat(contributor.get("/api/v1/bulk-tests/" + id + "/rows").map()).containsEntry("items", List.of());
        assertThat(contributor.get("/api/v1/bulk-tests/" + id + "/rows?limit=0").errorFields()).containsExactly("limit");
        assertThat(contributor.get("/api/v1/bulk-tests/" + id + "/rows?sort=-score:").errorFields()).containsExactly("sort");
        assertThat(contributor.get("/api/v1/bulk-tests/" + id + "/rows?failed=maybe").errorFields())
                .containsExactly("failed");
        assertThat(contributor.get("/api/v1/bulk-tests/" + id + "/rows?sort=-score:label.correct&failed=false").status())
                .isEqualTo(200);
        // Running: neither re-evaluated nor deleted.
        assertThat(contributor.post("/api/v1/bulk-tests/" + id + "/evaluations",
                Map.of("evaluations", List.of(Map.of("method", "exact-match", "groundTruth", "label")))).status())
                .isEqualTo(409);
        assertThat(contributor.delete("/api/v1/bulk-tests/" + id).status()).isEqualTo(409);
        // The flow changes; the test keeps the copy it runs.
        Map<String, Object> changed = reviewFlow("reviews");
        changed.put("inputs", List.of("review", "extra"));
        assertThat(contributor.put("/api/v1/flows/reviews", changed).status()).isEqualTo(200);
        assertThat(contributor.get("/api/v1/bulk-tests/" + id).map().get("inputs")).isEqualTo(List.of("review"));
    }
}
