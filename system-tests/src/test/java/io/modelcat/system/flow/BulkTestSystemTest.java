package io.modelcat.system.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.groups.Tuple.tuple;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import io.modelcat.testsupport.llm.FakeLlmProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A bulk test of a two-step flow on a running system: a runner calls a local fake provider (which answers "echo: "
 * and the last message) through the catalog's LLM mesh, compares two variants, evaluates them (classification,
 * ROUGE and an LLM judge), re-applies evaluation methods without calling the flow again, and resumes after its
 * runner is killed without calling answered rows again; a variant served by a ModelCat deployment, deployed in turn
 * as a flow deployment that answers its callers.
 */
class BulkTestSystemTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String CHAT = "/v1/chat/completions";

    /** Classify a review (its own words, or a pessimist's), then say so in a sentence. */
    private static Map<String, Object> flow() {
        Map<String, Object> parser = Map.of("type", "label", "labels", List.of("positive", "negative"));
        return Map.of("name", "reviews", "inputs", List.of("review"), "steps", List.of(
                Map.of("name", "label", "variants", List.of(
                        Map.of("name", "plain", "model", "fake/fake-small", "prompt", "{{ review }}", "parser", parser),
                        Map.of("name", "pessimist", "model", "fake/fake-large",
                                "prompt", "negative, whatever '{{ review }}' says", "parser", parser))),
                Map.of("name", "why", "variants", List.of(
                        Map.of("name", "plain", "model", "fake/fake-small", "prompt", "The review is {{ label }}.")))));
    }

    private static String reviews(RunningSystem system, int copies) {
        StringBuilder csv = new StringBuilder("text,label,summary\n");
        for (int i = 0; i < copies; i++) {
            csv.append("A positive surprise ").append(i).append(",positive,echo: The review is positive.\n");
            csv.append("Quite positive ").append(i).append(",positive,echo: The review is positive.\n");
            csv.append("A negative affair ").append(i).append(",negative,echo: The review is negative.\n");
            csv.append("Negative all along ").append(i).append(",negative,echo: The review is negative.\n");
        }
        csv.append("meh,negative,echo: The review is negative.\n");
        RunningSystem.Answer uploaded = system.upload("/api/v1/datasets?name=reviews", "text/csv", csv.toString());
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        return (String) uploaded.map().get("id");
    }

    private static void setUp(RunningSystem system, FakeLlmProvider provider) {
        RunningSystem.Answer connection = system.post("/api/v1/llm/connections", Map.of("name", "fake",
                "kind", "openai-compatible", "baseUrl", provider.baseUrl(),
                "allowedModels", List.of("fake-small", "fake-large"), "maxConcurrent", 3,
                // Half a dollar a prompt token and one a completion token on the small model, none on the large one.
                "prices", Map.of("fake-small", Map.of("inputPerMillion", 500_000, "outputPerMillion", 1_000_000))));
        assertThat(connection.status()).as(connection.body()).isEqualTo(201);
        RunningSystem.Answer saved = system.post("/api/v1/flows", flow());
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> runs(Map<String, Object> test) {
        Map<String, Map<String, Object>> runs = new HashMap<>();
        ((List<Map<String, Object>>) ((Map<String, Object>) test.get("result")).get("runs"))
                .forEach(r -> runs.put((String) r.get("variant"), r));
        return runs;
    }

    /** The id of the catalog card of a connection's model, {@code <connection>/<model>}. */
    @SuppressWarnings("unchecked")
    private static String hostedCard(RunningSystem system, String meshModel) {
        return system.get("/api/v1/models?limit=100").items().stream()
                .filter(m -> meshModel.equals(((Map<String, Object>) m.get("source")).get("repo")))
                .map(m -> (String) m.get("id")).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static double metric(Map<String, Object> run, String name) {
        return ((Number) ((Map<String, Object>) run.get("metrics")).get(name)).doubleValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void twoVariantsAreRunEvaluatedAndReEvaluatedWithoutCallingTheFlowAgain() {
        try (FakeLlmProvider provider = FakeLlmProvider.start();
             RunningSystem system = new RunningSystem()) {
            system.addRunner("box", Map.of());
            setUp(system, provider);
            String dataset = reviews(system, 2);
            String judge = "{% if answer == ground_truth %}5{% else %}1{% endif %}";
            Map<String, Object> body = new HashMap<>();
            body.put("flow", "reviews");
            body.put("datasetId", dataset);
            body.put("inputColumns", Map.of("review", "text"));
            body.put("variantStep", "label");
            body.put("concurrency", 3);
            body.put("evaluations", List.of(
                    Map.of("method", "classification", "output", "label", "groundTruth", "label"),
                    Map.of("method", "rouge", "groundTruth", "summary"),
                    Map.of("method", "llm-judge", "output", "label", "groundTruth", "label", "model", "fake/fake-small",
                            "aspect", "relevance", "rubric", judge)));
            RunningSystem.Answer created = system.post("/api/v1/bulk-tests", body);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = (String) created.map().get("id");
            String job = (String) ((Map<String, Object>) created.map().get("job")).get("id");

            Map<String, Object> done = system.awaitJob(job, TIMEOUT, "succeeded", "failed", "cancelled");
            assertThat(done).as(done.toString()).containsEntry("state", "succeeded");
            Map<String, Object> test = system.get("/api/v1/bulk-tests/" + id).map();
            assertThat(test.get("answered")).isEqualTo(Map.of("plain", 9, "pessimist", 9));
            Map<String, Map<String, Object>> runs = runs(test);

            // The plain wording labels every review that names a label; "meh" names none and fails.
            // Registered in the metric table too, on the connection's model cards.
            String small = hostedCard(system, "fake/fake-small");
            String large = hostedCard(system, "fake/fake-large");
            assertThat(system.get("/api/v1/models/" + large + "/metrics").list())
                    .filteredOn(m -> "label.accuracy".equals(m.get("name"))).singleElement()
                    .satisfies(m -> assertThat(m).containsEntry("variant", "pessimist").containsEntry("jobId", job));
            assertThat(system.get("/api/v1/leaderboard?datasetId=" + dataset + "&task=text-generation&metric=label.accuracy")
                    .list()).extracting(r -> r.get("modelName")).containsExactly("fake-small", "fake-large");
            Map<String, Object> plain = runs.get("plain");
            assertThat(plain).containsEntry("rows", 9).containsEntry("failedRows", 1);
            assertThat(metric(plain, "label.accuracy")).isEqualTo(1.0);
            assertThat(metric(plain, "label.f1_macro")).isEqualTo(1.0);
            assertThat(metric(plain, "rougeL")).isEqualTo(1.0);
            assertThat(metric(plain, "label.relevance")).isEqualTo(5.0);
            assertThat(metric(plain, "label.relevance_rows")).isEqualTo(8.0);
            // Each row's cost is its calls' (judges' calls are not rows'): "A positive surprise 0" costs 4 / 2 + 5
            // for its label and as much for its sentence, "Quite positive 0" 3 / 2 + 4 + 7, "meh" 1 / 2 + 2.
            assertThat(((Number) plain.get("costUsd")).doubleValue()).isEqualTo(2 * (14 + 12.5 + 14 + 14) + 2.5);
            assertThat(((Number) runs.get("pessimist").get("costUsd")).doubleValue()).as("the large model has no price")
                    .isEqualTo(9 * 7.0);
            // The pessimist says "negative" every time: right for the 5 negative reviews, wrong for the 4 others.
            Map<String, Object> pessimist = runs.get("pessimist");
            assertThat(pessimist).containsEntry("failedRows", 0);
            assertThat(metric(pessimist, "label.accuracy")).isCloseTo(5.0 / 9, within(1e-12));
            assertThat(metric(pessimist, "label.relevance")).isCloseTo((5 * 5 + 4 * 1) / 9.0, within(1e-12));
            assertThat(metric(pessimist, "rouge1")).isLessThan(1.0);
            assertThat(((Map<String, Object>) pessimist.get("confusion")).get("label")).isEqualTo(Map.of(
                    "labels", List.of("negative", "positive"), "counts", List.of(List.of(5, 0), List.of(4, 0))));
            // Calls: plain 8 rows x 2 steps + 1 failed first step, pessimist 9 x 2, the judge 8 + 9.
            int calls = provider.requests(CHAT).size();
            assertThat(calls).isEqualTo(17 + 18 + 17);
            assertThat(provider.mostInFlight()).isLessThanOrEqualTo(3);

            RunningSystem.Answer rows = system.get("/api/v1/bulk-tests/" + id + "/rows?variant=plain");
            List<Map<String, Object>> items = (List<Map<String, Object>>) rows.map().get("items");
            assertThat(items).hasSize(9);
            Map<String, Object> meh = items.get(8);
            assertThat(meh).containsEntry("row", 8).containsEntry("inputs", Map.of("review", "meh"));
            assertThat((String) meh.get("error")).contains("names none of the labels");
            assertThat(items.get(0).get("scores")).isEqualTo(Map.of("label.correct", 1.0, "label.relevance", 5.0,
                    "rougeL", 1.0));
            assertThat(((Number) items.get(0).get("costUsd")).doubleValue()).isEqualTo(14.0);
            List<Map<String, Object>> worst = (List<Map<String, Object>>) system.get("/api/v1/bulk-tests/" + id
                    + "/rows?sort=score:label.relevance&limit=4").map().get("items");
            assertThat(worst).extracting(r -> r.get("variant")).containsExactly("pessimist", "pessimist", "pessimist",
                    "pessimist");
            assertThat(worst).allSatisfy(r -> assertThat(((Map<String, Object>) r.get("scores")).get("label.relevance"))
                    .isEqualTo(1.0));
            List<Map<String, Object>> failedRows = (List<Map<String, Object>>) system.get("/api/v1/bulk-tests/" + id
                    + "/rows?failed=true").map().get("items");
            assertThat(failedRows).singleElement().satisfies(r -> assertThat(r).containsEntry("row", 8));
            assertThat(system.get("/api/v1/bulk-tests/" + id + "/rows?sort=cost").status()).isEqualTo(400);
            String csv = system.get("/api/v1/bulk-tests/" + id + "/rows.csv").body();
            assertThat(csv.lines()).hasSize(1 + 18);
            assertThat(csv.lines().findFirst().orElseThrow()).startsWith("variant,row,input.review,output.label,output.why,"
                    + "output.output,error,latency_ms,prompt_tokens,completion_tokens,cost_usd,score.");
            // The calls were the admin's, who asked for the test.
            assertThat(system.get("/api/v1/llm/usage").body()).contains("\"username\":\"admin\"")
                    .contains("\"calls\":" + calls);

            // Other evaluation methods later: a new job, no call to the provider.
            RunningSystem.Answer again = system.post("/api/v1/bulk-tests/" + id + "/evaluations", Map.of("evaluations",
                    List.of(Map.of("method", "exact-match", "output", "label", "groundTruth", "label"),
                            Map.of("method", "token-f1", "groundTruth", "summary"),
                            Map.of("method", "embedding-similarity", "output", "label", "groundTruth", "summary",
                                    "model", "fake/fake-small"))));
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            String second = (String) ((Map<String, Object>) again.map().get("job")).get("id");
            assertThat(second).isNotEqualTo(job);
            assertThat(system.awaitJob(second, TIMEOUT, "succeeded", "failed", "cancelled")).containsEntry("state", "succeeded");
            Map<String, Map<String, Object>> reEvaluated = runs(system.get("/api/v1/bulk-tests/" + id).map());
            assertThat(metric(reEvaluated.get("plain"), "label.exact_match")).isEqualTo(1.0);
            assertThat(metric(reEvaluated.get("pessimist"), "label.exact_match")).isCloseTo(5.0 / 9, within(1e-12));
            assertThat(metric(reEvaluated.get("plain"), "token_f1")).isEqualTo(1.0);
            assertThat((Map<String, Object>) reEvaluated.get("plain").get("metrics")).doesNotContainKey("rougeL");
            // The fake embeds a text as [words, characters, 1]: a label [1, 8, 1], a summary [5, 29, 1].
            double cosine = (5 + 8 * 29 + 1) / (Math.sqrt(1 + 64 + 1) * Math.sqrt(25 + 29 * 29 + 1));
            assertThat(metric(reEvaluated.get("plain"), "label.embedding_similarity")).isCloseTo(cosine, within(1e-12));
            assertThat(metric(reEvaluated.get("plain"), "label.embedding_similarity_rows")).isEqualTo(8.0);
            assertThat(metric(reEvaluated.get("pessimist"), "label.embedding_similarity")).isCloseTo(cosine, within(1e-12));
            assertThat(provider.requests("/v1/embeddings")).as("8 and 9 pairs, one call a run").hasSize(2);
            assertThat(((Map<String, Object>) system.job(second).get("result"))).containsEntry("calledRows", 0);
            assertThat(provider.requests(CHAT)).hasSize(calls);

            // The metric table holds the re-evaluation's figures only, each on the hosted card of the model that
            // answered what it measures: the label step's on its variant's model, the flow output's on fake-small.
            List<Map<String, Object>> ofSmall = system.get("/api/v1/models/" + small + "/metrics").list();
            assertThat(ofSmall).allSatisfy(m -> assertThat(m).containsEntry("jobId", second)
                    .containsEntry("task", "text-generation").containsEntry("datasetId", dataset));
            assertThat(ofSmall).extracting(m -> m.get("name"), m -> m.get("variant")).containsExactlyInAnyOrder(
                    tuple("label.exact_match", "plain"), tuple("label.embedding_similarity", "plain"),
                    tuple("token_f1", "plain"), tuple("token_f1", "pessimist"));
            assertThat(system.get("/api/v1/models/" + large + "/metrics").list())
                    .extracting(m -> m.get("name"), m -> m.get("variant"), m -> m.get("jobId")).containsExactlyInAnyOrder(
                            tuple("label.exact_match", "pessimist", second),
                            tuple("label.embedding_similarity", "pessimist", second));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTestResumesOnAnotherRunnerWithoutCallingAnsweredRowsAgain() throws Exception {
        try (FakeLlmProvider provider = FakeLlmProvider.start();
             RunningSystem system = new RunningSystem()) {
            // Two runners from the start: whichever takes the test is killed midway, the other finishes it.
            system.addRunner("left", Map.of());
            system.addRunner("right", Map.of());
            setUp(system, provider);
            provider.delay(Duration.ofMillis(150));
            String dataset = reviews(system, 10);
            int rows = 41;
            Map<String, Object> body = Map.of("flow", "reviews", "datasetId", dataset, "inputColumns",
                    Map.of("review", "text"), "concurrency", 2);
            RunningSystem.Answer created = system.post("/api/v1/bulk-tests", body);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = (String) created.map().get("id");
            String job = (String) ((Map<String, Object>) created.map().get("job")).get("id");

            Map<String, Object> partly = system.awaitValue(TIMEOUT, () -> system.get("/api/v1/bulk-tests/" + id).map(),
                    t -> ((Number) ((Map<String, Object>) t.get("answered")).get("default")).intValue() >= 8);
            Map<String, Object> running = (Map<String, Object>) partly.get("job");
            assertThat(running.get("state")).isEqualTo("running");
            String doomed = ((String) running.get("workerId")).startsWith("left") ? "left" : "right";
            String survivor = doomed.equals("left") ? "right" : "left";
            system.kill(doomed);
            int answeredAtKill = ((Number) ((Map<String, Object>) system.get("/api/v1/bulk-tests/" + id).map()
                    .get("answered")).get("default")).intValue();

            Map<String, Object> done = system.awaitJob(job, TIMEOUT, "succeeded", "failed", "cancelled");
            assertThat(done).as(done.toString()).containsEntry("state", "succeeded").containsEntry("attempt", 2);
            assertThat((String) done.get("workerId")).startsWith(survivor);
            Map<String, Object> result = (Map<String, Object>) done.get("result");
            assertThat(result).containsEntry("rows", rows).containsEntry("failedRows", 1);
            assertThat(((Number) result.get("calledRows")).intValue()).isEqualTo(rows - answeredAtKill);
            List<String> messages = new ArrayList<>();
            system.get("/api/v1/jobs/" + job + "/logs").list().forEach(l -> messages.add((String) l.get("message")));
            assertThat(messages).anyMatch(m -> m.startsWith("Resuming: "));
            // Each answered row was called once (40 rows x 2 steps + "meh"'s one); calls in flight when the runner died
            // (at most 2 rows, their first or second step) were made again.
            int chats = provider.requests(CHAT).size();
            assertThat(chats).isBetween(2 * 40 + 1, 2 * 40 + 1 + 2 * 2);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunnerThatCannotReachTheMeshKeepsNoRowAndSaysWhy() {
        try (FakeLlmProvider provider = FakeLlmProvider.start();
             RunningSystem system = new RunningSystem()) {
            system.addRunner("lost", Map.of("MODELCAT_CATALOG_URL", "http://127.0.0.1:9", "MODELCAT_RUNNER_RETRY_BACKOFF",
                    "100ms"));
            setUp(system, provider);
            String dataset = reviews(system, 1);
            RunningSystem.Answer created = system.post("/api/v1/bulk-tests", Map.of("flow", "reviews",
                    "datasetId", dataset, "inputColumns", Map.of("review", "text")));
            String id = (String) created.map().get("id");
            String job = (String) ((Map<String, Object>) created.map().get("job")).get("id");

            Map<String, Object> done = system.awaitJob(job, TIMEOUT, "succeeded", "failed", "cancelled");
            assertThat(done).containsEntry("state", "failed").containsEntry("attempt", 3);
            assertThat((String) done.get("error")).contains("could not be reached").contains("MODELCAT_CATALOG_URL");
            assertThat(system.get("/api/v1/bulk-tests/" + id).map().get("answered")).isEqualTo(Map.of("default", 0));
            assertThat(provider.requests(CHAT)).isEmpty();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aVariantServedByAModelCatDeploymentRunsBesideAHostedOne() {
        try (FakeHub hub = FakeHub.start();
             FakeLlmProvider provider = FakeLlmProvider.start()) {
            hub.addRepo("hf-tiny/chat", Fixtures.model("gpt2-chat-chatml"));
            try (RunningSystem system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()))) {
                system.addRunner("box", Map.of());
                String model = system.importModel("hf-tiny/chat", TIMEOUT);
                // ModelCat's own deployment, behind a key-mode endpoint, as a connection of the mesh.
                assertThat(system.post("/api/v1/endpoints", Map.of("name", "ours", "authMode", "key")).status())
                        .isEqualTo(201);
                assertThat(system.post("/api/v1/endpoints/ours/deployments", Map.of("name", "blue", "modelId", model,
                        "instanceCount", 1)).status()).isEqualTo(201);
                system.awaitValue(TIMEOUT, () -> system.get("/api/v1/endpoints/ours").map(), e -> ((List<Map<String, Object>>)
                        e.get("deployments")).stream().anyMatch(d -> "ready".equals(d.get("state"))));
                assertThat(system.post("/api/v1/llm/connections", Map.of("name", "own", "kind", "modelcat",
                        "endpoint", "ours", "allowedModels", List.of("blue"))).status()).isEqualTo(201);
                assertThat(system.post("/api/v1/llm/connections", Map.of("name", "fake", "kind", "openai-compatible",
                        "baseUrl", provider.baseUrl(), "allowedModels", List.of("fake-small"))).status()).isEqualTo(201);
                RunningSystem.Answer saved = system.post("/api/v1/flows", Map.of("name", "tell", "inputs", List.of("topic"),
                        "steps", List.of(Map.of("name", "say", "variants", List.of(
                                Map.of("name", "hosted", "model", "fake/fake-small", "prompt", "{{ topic }}?"),
                                // The tiny model reads 64 positions: a system message keeps its template's default
                                // one out, and the answer short.
                                Map.of("name", "ours", "model", "own/blue", "system", "Be terse.", "prompt", "{{ topic }}?",
                                        "temperature", 0, "maxTokens", 6))))));
                assertThat(saved.status()).as(saved.body()).isEqualTo(201);
                RunningSystem.Answer uploaded = system.upload("/api/v1/datasets?name=topics", "text/csv",
                        "topic\ncats\ndogs\nsea\n");
                RunningSystem.Answer created = system.post("/api/v1/bulk-tests", Map.of("flow", "tell",
                        "datasetId", uploaded.map().get("id"), "variantStep", "say"));
                assertThat(created.status()).as(created.body()).isEqualTo(201);
                String id = (String) created.map().get("id");
                String job = (String) ((Map<String, Object>) created.map().get("job")).get("id");
                assertThat(system.awaitJob(job, TIMEOUT, "succeeded", "failed", "cancelled"))
                        .containsEntry("state", "succeeded");

                Map<String, Object> test = system.get("/api/v1/bulk-tests/" + id).map();
                assertThat(test.get("answered")).isEqualTo(Map.of("hosted", 3, "ours", 3));
                assertThat(runs(test).get("ours")).as(system.get("/api/v1/bulk-tests/" + id + "/rows?failed=true").body())
                        .containsEntry("failedRows", 0);
                List<Map<String, Object>> rows = (List<Map<String, Object>>) system.get("/api/v1/bulk-tests/" + id
                        + "/rows?variant=ours").map().get("items");
                assertThat(rows).hasSize(3);
                // Each answer is what the deployment says to the same prompt asked through the mesh now (greedy).
                for (Map<String, Object> row : rows) {
                    String topic = (String) ((Map<String, Object>) row.get("inputs")).get("topic");
                    RunningSystem.Answer once = system.post("/api/v1/flows/tell/run", Map.of("inputs", Map.of("topic",
                            topic), "variants", Map.of("say", "ours")));
                    assertThat(once.status()).as(once.body()).isEqualTo(200);
                    assertThat(((Map<String, Object>) row.get("outputs")).get("output"))
                            .isEqualTo(((Map<String, Object>) once.map().get("outputs")).get("output"));
                    assertThat(((Number) row.get("completionTokens")).intValue()).isBetween(1, 6);
                }
                assertThat(provider.requests(CHAT)).hasSize(3);

                // The winner deployed: a flow deployment whose step calls the model deployment, answering its callers.
                assertThat(system.post("/api/v1/endpoints/ours/deployments", Map.of("name", "flow", "flow", "tell"))
                        .status()).as("an endpoint serves models or flows").isEqualTo(409);
                RunningSystem.Answer endpoint = system.post("/api/v1/endpoints", Map.of("name", "tell-ep"));
                String key = (String) ((Map<String, Object>) endpoint.map().get("keys")).get("primaryKey");
                RunningSystem.Answer deployed = system.post("/api/v1/endpoints/tell-ep/deployments", Map.of("name", "blue",
                        "flow", "tell", "variants", Map.of("say", "ours")));
                assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
                String topic = (String) ((Map<String, Object>) rows.get(0).get("inputs")).get("topic");
                RunningSystem.Answer scored = system.send(system.base(), "POST", "/endpoints/tell-ep/score",
                        Map.of("topic", topic), Map.of("Authorization", "Bearer " + key));
                assertThat(scored.status()).as(scored.body()).isEqualTo(200);
                assertThat(scored.map().get("output")).as("the deployment's own answer, as in the bulk test")
                        .isEqualTo(((Map<String, Object>) rows.get(0).get("outputs")).get("output"));
                assertThat(provider.requests(CHAT)).as("the hosted variant is not called").hasSize(3);
            }
        }
    }
}
