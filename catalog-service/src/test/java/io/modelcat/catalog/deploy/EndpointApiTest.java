package io.modelcat.catalog.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.credentials.SecretCipher;
import io.modelcat.store.Database;
import io.modelcat.store.worker.Workers;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Managing online endpoints through the API, with no runner process: every bad input is a 4xx naming what was
 * expected, a deployment waits for a runner and says so, keys are shown once unless they can be sealed,
 * and the gateway refuses what it cannot serve without reaching any runner.
 */
@MicronautTest(transactional = false)
class EndpointApiTest extends CatalogTestBase {

    @Inject
    Database db;

    private String modelWithFiles(String name, String task) {
        Map<String, Object> body = aModel(name);
        body.put("task", task);
        String id = (String) create(body).get("id");
        ApiClient.Answer version = api.post("/api/v1/models/" + id + "/versions", Map.of("artifactUri", "file:///nowhere/" + name));
        assertThat(version.status()).as(version.toString()).isEqualTo(201);
        return id;
    }

    @Test
    void badEndpointsAndDeploymentsAreRefusedNamingTheField() {
        assertThat(api.post("/api/v1/endpoints", Map.of("name", "No Spaces")).errorFields()).containsExactly("name");
        assertThat(api.post("/api/v1/endpoints", Map.of("name", "ok-name", "authMode", "magic")).errorFields())
                .containsExactly("authMode");
        assertThat(api.post("/api/v1/endpoints", Map.of("name", "sentiment")).status()).isEqualTo(201);
        ApiClient.Answer again = api.post("/api/v1/endpoints", Map.of("name", "sentiment"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.map().get("detail")).asString().contains("exists already");

        String noFiles = (String) create(aModel("no-files")).get("id");
        ApiClient.Answer unimported = api.post("/api/v1/endpoints/sentiment/deployments", Map.of("name", "blue", "modelId", noFiles));
        assertThat(unimported.status()).isEqualTo(409);
        assertThat(unimported.map().get("detail")).asString().contains("import it first");
        // Every task of the registry with "Try it" is served, summarization and translation included.
        String summarizer = modelWithFiles("summarizer", "summarization");
        assertThat(api.post("/api/v1/endpoints", Map.of("name", "news")).status()).isEqualTo(201);
        ApiClient.Answer summaries = api.post("/api/v1/endpoints/news/deployments", Map.of("name", "summaries", "modelId", summarizer));
        assertThat(summaries.status()).as(summaries.toString()).isEqualTo(201);
        assertThat(summaries.map()).containsEntry("task", "summarization");
        assertThat(api.post("/api/v1/endpoints/sentiment/deployments", Map.of("name", "blue",
                "modelId", "00000000-0000-0000-0000-000000000000")).errorFields()).containsExactly("modelId");
        String classifier = modelWithFiles("classifier", "text-classification");
        assertThat(api.post("/api/v1/endpoints/sentiment/deployments", Map.of("name", "blue", "modelId", classifier,
                "instanceCount", 9, "device", "tpu", "requestTimeoutMs", 5, "maxBatchSize", 65, "cpuCores", -1))
                .errorFields()).containsExactlyInAnyOrder("instanceCount", "device", "requestTimeoutMs", "maxBatchSize",
                        "cpuCores");
        assertThat(api.post("/api/v1/endpoints/sentiment/deployments", Map.of("name", "blue", "modelId", classifier,
                "cpuCores", 257)).errorFields()).containsExactly("cpuCores");
        assertThat(api.post("/api/v1/endpoints/nowhere/deployments", Map.of("name", "blue", "modelId", classifier))
                .status()).isEqualTo(404);
        assertThat(api.get("/api/v1/endpoints/sentiment").map().get("deployments")).asList().isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDeploymentWaitsForARunnerAndTheGatewayRefusesWithoutReachingOne() {
        ApiClient.Answer made = api.post("/api/v1/endpoints", Map.of("name", "sentiment", "description", "tickets"));
        Map<String, Object> keys = (Map<String, Object>) made.map().get("keys");
        assertThat((String) keys.get("primaryKey")).startsWith("mc_ek_");
        ApiClient.Answer shownAgain = api.get("/api/v1/endpoints/sentiment/keys");
        assertThat(shownAgain.status()).isEqualTo(409);
        assertThat(shownAgain.map().get("detail")).asString().contains(SecretCipher.KEY_VARIABLE).contains("Regenerate");

        String classifier = modelWithFiles("classifier", "text-classification");
        ApiClient.Answer blue = api.post("/api/v1/endpoints/sentiment/deployments", Map.of("name", "blue", "modelId", classifier));
        assertThat(blue.status()).as(blue.toString()).isEqualTo(201);
        assertThat(blue.map()).containsEntry("state", "creating").containsEntry("instanceCount", 1)
                .containsEntry("cpuCores", 0).containsEntry("maxConcurrentRequestsPerInstance", 4).containsEntry("requestTimeoutMs", 5000)
                .containsEntry("maxBatchSize", 8).containsEntry("maxBatchDelayMs", 2);
        assertThat(blue.map().get("reason")).asString().contains("waiting for a live runner");
        ApiClient.Answer green = api.post("/api/v1/endpoints/sentiment/deployments", Map.of("name", "green",
                "modelId", classifier, "cpuCores", 3));
        assertThat(green.status()).isEqualTo(201);
        assertThat(green.map()).containsEntry("cpuCores", 3);
        assertThat(green.map().get("reason")).asString().contains("with 3 CPU core(s) that no instance reserves");
        Map<String, Object> endpoint = api.get("/api/v1/endpoints/sentiment").map();
        assertThat(endpoint.get("traffic")).as("the first deployment takes all traffic")
                .isEqualTo(Map.of("blue", 100, "green", 0));
        assertThat(endpoint.get("scoringUri")).asString().endsWith("/endpoints/sentiment/score");

        assertThat(api.put("/api/v1/endpoints/sentiment/traffic", Map.of("traffic", Map.of("blue", 60, "green", 30)))
                .errorFields()).containsExactly("traffic");
        assertThat(api.put("/api/v1/endpoints/sentiment/traffic", Map.of("traffic", Map.of("red", 100)))
                .errorFields()).containsExactly("traffic.red");
        assertThat(api.delete("/api/v1/endpoints/sentiment/deployments/blue").status()).isEqualTo(409);

        // Changing a deployment: another version of its model, its instances and limits; bad values named.
        assertThat(api.patch("/api/v1/endpoints/sentiment/deployments/blue", Map.of("versionNumber", 7)).errorFields())
                .containsExactly("versionNumber");
        assertThat(api.patch("/api/v1/endpoints/sentiment/deployments/blue", Map.of("instanceCount", 0,
                "requestTimeoutMs", 1)).errorFields()).containsExactlyInAnyOrder("instanceCount", "requestTimeoutMs");
        assertThat(api.patch("/api/v1/endpoints/sentiment/deployments/red", Map.of("instanceCount", 2)).status())
                .isEqualTo(404);
        assertThat(api.post("/api/v1/models/" + classifier + "/versions", Map.of("artifactUri", "file:///nowhere/v2"))
                .status()).isEqualTo(201);
        ApiClient.Answer changed = api.patch("/api/v1/endpoints/sentiment/deployments/blue",
                Map.of("versionNumber", 2, "instanceCount", 2, "requestTimeoutMs", 9000, "maxBatchSize", 16));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.map()).containsEntry("versionNumber", 2).containsEntry("instanceCount", 2)
                .containsEntry("requestTimeoutMs", 9000).containsEntry("maxConcurrentRequestsPerInstance", 4)
                .containsEntry("maxBatchSize", 16).containsEntry("maxBatchDelayMs", 2).containsEntry("cpuCores", 0);
        assertThat(api.patch("/api/v1/endpoints/sentiment/deployments/green", Map.of("cpuCores", 300)).errorFields())
                .containsExactly("cpuCores");
        assertThat(api.patch("/api/v1/endpoints/sentiment/deployments/green", Map.of("cpuCores", 2)).map())
                .containsEntry("cpuCores", 2).containsEntry("instanceCount", 1);
        assertThat(api.patch("/api/v1/endpoints/sentiment/deployments/green", Map.of("instanceCount", 1)).map())
                .as("left out, the cores stay").containsEntry("cpuCores", 2);
        assertThat(api.patch("/api/v1/endpoints/sentiment/deployments/green", Map.of("cpuCores", 0)).map())
                .as("0: none reserved").containsEntry("cpuCores", 0);

        ApiClient gateway = anonymousApi();
        String key = (String) keys.get("primaryKey");
        ApiClient.Answer notReady = gateway.as(key).post("/endpoints/sentiment/score", Map.of("input_data", List.of("hi")));
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.header("Retry-After")).isEqualTo("1");
        assertThat(notReady.body()).contains("no ready instance");
        ApiClient.Answer wrongKey = gateway.as("mc_ek_nope").post("/endpoints/sentiment/score", Map.of("input_data", List.of("hi")));
        assertThat(wrongKey.status()).isEqualTo(401);
        assertThat(gateway.as(account(Role.ADMIN).token()).post("/api/v1/endpoints/sentiment/keys/regenerate",
                Map.of("keyType", "primary")).status()).isEqualTo(200);
        assertThat(gateway.as(key).post("/endpoints/sentiment/score", Map.of("input_data", List.of("hi"))).status())
                .as("the regenerated key is gone").isEqualTo(401);
        assertThat(gateway.as(key).post("/api/v1/endpoints", Map.of("name", "stolen")).status())
                .as("a key grants scoring only").isEqualTo(401);

        assertThat(api.get("/api/v1/audit").body()).contains("endpoint.create").contains("deployment.create")
                .contains("deployment.update")
                .contains("endpoint.key.regenerate");
        assertThat(api.delete("/api/v1/endpoints/sentiment").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/endpoints").map().get("items")).asList().isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDeploymentsLogSaysWhereItsInstancesWentAndIsFollowedByItsLastId() throws InterruptedException {
        api.post("/api/v1/endpoints", Map.of("name", "sentiment"));
        String classifier = modelWithFiles("classifier", "text-classification");
        assertThat(api.post("/api/v1/endpoints/sentiment/deployments", Map.of("name", "blue", "modelId", classifier))
                .status()).isEqualTo(201);
        String logs = "/api/v1/endpoints/sentiment/deployments/blue/logs";
        assertThat(api.get(logs).map()).containsEntry("lines", List.of()).containsEntry("lastId", 0);

        db.write(c -> {
            Workers.heartbeat(c, new Workers.Machine("logged-runner", "logged-host", 1, 1L << 30, "[]",
                    "http://127.0.0.1:9"), null);
            return null;
        });
        Instant deadline = Instant.now().plusSeconds(30);
        Map<String, Object> log = apiAs(Role.VIEWER).get(logs).map();
        while (((List<?>) log.get("lines")).isEmpty()) {
            assertThat(Instant.now()).as("placement writes the log").isBefore(deadline);
            Thread.sleep(200);
            log = apiAs(Role.VIEWER).get(logs).map();
        }
        Map<String, Object> placed = ((List<Map<String, Object>>) log.get("lines")).get(0);
        assertThat(placed).containsEntry("level", "INFO").containsEntry("worker", "logged-runner")
                .containsEntry("message", "Placed on runner logged-runner");
        assertThat(placed.get("instance")).isNotNull();
        Object last = log.get("lastId");
        assertThat(last).isEqualTo(placed.get("id"));
        Map<String, Object> newer = api.get(logs + "?after=" + last).map();
        assertThat(newer).containsEntry("lines", List.of()).containsEntry("lastId", last);

        assertThat(api.get(logs + "?limit=0").errorFields()).containsExactly("limit");
        assertThat(api.get(logs + "?limit=1001").errorFields()).containsExactly("limit");
        assertThat(api.get(logs + "?after=-1").errorFields()).containsExactly("after");
        assertThat(api.get(logs + "?after=soon").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/endpoints/sentiment/deployments/red/logs").status()).isEqualTo(404);
        assertThat(anonymousApi().get(logs).status()).isEqualTo(401);
    }
}
