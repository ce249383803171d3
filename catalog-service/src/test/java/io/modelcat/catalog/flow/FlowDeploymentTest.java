package io.modelcat.catalog.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.User;
import io.modelcat.catalog.access.UserRepository;
import io.modelcat.credentials.IssuedToken;
import io.modelcat.testsupport.llm.FakeLlmProvider;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A saved prompt flow deployed as an online endpoint's deployment, through real HTTP: callers send the flow's inputs
 * to {@code /score} with the endpoint's key and get its outputs, the traffic map and the pin header choose between
 * deployments of two variants, the deployment keeps the flow version it was given, and the flow's LLM calls go
 * through the mesh (to a local fake provider) as the deployment's creator.
 */
@MicronautTest(transactional = false)
class FlowDeploymentTest extends CatalogTestBase {

    private final FakeLlmProvider provider = FakeLlmProvider.start();
    private ApiClient contributor;
    private String key;

    @BeforeEach
    void flowAndEndpoint() {
        provider.reset();
        provider.delay(Duration.ZERO);
        FlowApiTest.connectHosted(api, provider);
        contributor = apiAs(Role.CONTRIBUTOR);
        assertThat(contributor.post("/api/v1/flows", FlowApiTest.reviewFlow("reviews")).status()).isEqualTo(201);
        ApiClient.Answer endpoint = contributor.post("/api/v1/endpoints", Map.of("name", "reviews-ep"));
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
        @SuppressWarnings("unchecked")
        Map<String, Object> keys = (Map<String, Object>) endpoint.map().get("keys");
        key = (String) keys.get("primaryKey");
    }

    @AfterAll
    void stopProvider() {
        provider.close();
    }

    private ApiClient.Answer deploy(String name, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "flow", "reviews"));
        body.putAll(extra);
        return contributor.post("/api/v1/endpoints/reviews-ep/deployments", body);
    }

    private ApiClient.Answer score(String body, String pinned) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri("/endpoints/reviews-ep/score"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (pinned != null) {
            request.header("azureml-model-deployment", pinned);
        }
        return anonymousApi().as(key).send(request);
    }

    @Test
    void callersSendTheInputsAndGetTheOutputsOfTheVariantEachDeploymentRuns() {
        ApiClient.Answer blue = deploy("blue", Map.of());
        assertThat(blue.status()).as(blue.toString()).isEqualTo(201);
        assertThat(blue.map()).containsEntry("task", "prompt-flow").containsEntry("state", "ready")
                .containsEntry("maxConcurrentRequestsPerInstance", 16).containsEntry("requestTimeoutMs", 60_000)
                .containsEntry("instances", List.of()).doesNotContainKey("modelId");
        assertThat(blue.map().get("flow")).isEqualTo(Map.of("name", "reviews", "version", 1, "inputs", List.of("review"),
                "variants", Map.of(), "runsAs", "test-contributor"));
        assertThat(deploy("green", Map.of("variants", Map.of("label", "pessimist"))).status()).isEqualTo(201);

        ApiClient.Answer answered = score("{\"review\": \"A positive surprise\"}", null);
        assertThat(answered.status()).as(answered.toString()).isEqualTo(200);
        assertThat(answered.map()).isEqualTo(Map.of("label", "positive", "why", "echo: The review is positive.",
                "output", "echo: The review is positive."));
        assertThat(answered.header("azureml-model-deployment")).isEqualTo("blue");
        assertThat(answered.header("X-ModelCat-Cost-Usd")).isEqualTo("12.5");

        ApiClient.Answer pinned = score("{\"review\": \"A positive surprise\"}", "green");
        assertThat(pinned.map()).containsEntry("label", "negative");
        assertThat(pinned.header("azureml-model-deployment")).isEqualTo("green");
        assertThat(provider.requests("/v1/chat/completions").get(2).body()).contains("You are terse.");

        // Half the traffic each: two calls, one to each.
        assertThat(contributor.put("/api/v1/endpoints/reviews-ep/traffic",
                Map.of("traffic", Map.of("blue", 50, "green", 50))).status()).isEqualTo(200);
        assertThat(List.of(score("{\"review\": \"A positive surprise\"}", null).header("azureml-model-deployment"),
                score("{\"review\": \"A positive surprise\"}", null).header("azureml-model-deployment")))
                .containsExactlyInAnyOrder("blue", "green");

        // The flow's calls are the creator's: in the mesh's usage and audit.
        assertThat(api.get("/api/v1/audit?action=llm.call").items()).isNotEmpty()
                .allSatisfy(e -> assertThat(e.get("actor")).isEqualTo("test-contributor"));
    }

    @Test
    void badCallsAreRefusedNamingTheInputAndAFailedStepIsNamed() {
        assertThat(deploy("blue", Map.of()).status()).isEqualTo(201);

        ApiClient.Answer missing = score("{\"text\": \"x\"}", null);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("text is not an input of the flow").contains("review is required")
                .contains("{\\\"review\\\": \\\"<text>\\\"}");
        assertThat(score("[\"x\"]", null).status()).isEqualTo(400);
        assertThat(score("{\"review\": null}", null).body()).contains("review is null");
        assertThat(provider.requests("/v1/chat/completions")).as("no call made for a bad request").isEmpty();
        score("{\"review\": 5}", null);
        assertThat(provider.requests("/v1/chat/completions")).as("a number is read as its text").singleElement()
                .satisfies(call -> assertThat(call.body()).contains("\"content\":\"5\""));

        ApiClient.Answer chat = anonymousApi().as(key).send(HttpRequest.newBuilder(
                api.uri("/endpoints/reviews-ep/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"blue\", \"messages\": [{\"role\": \"user\", "
                        + "\"content\": \"hi\"}]}")));
        assertThat(chat.status()).isEqualTo(400);
        assertThat(chat.body()).contains("serves prompt flow 'reviews'").contains("/endpoints/reviews-ep/score");

        // The label step's answer names no label: a 502 saying which step and why.
        ApiClient.Answer unlabelled = score("{\"review\": \"meh\"}", null);
        assertThat(unlabelled.status()).isEqualTo(502);
        assertThat(unlabelled.body()).contains("step 'label'").contains("names none of the labels");

        provider.failNext(5, 400, null);
        ApiClient.Answer failed = score("{\"review\": \"A positive surprise\"}", null);
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.body()).contains("step 'label'").contains("400");

        // Past its request timeout, a 504.
        assertThat(contributor.patch("/api/v1/endpoints/reviews-ep/deployments/blue",
                Map.of("requestTimeoutMs", 300)).status()).isEqualTo(200);
        provider.delay(Duration.ofMillis(1500));
        ApiClient.Answer slow = score("{\"review\": \"A positive surprise\"}", null);
        assertThat(slow.status()).isEqualTo(504);
        assertThat(slow.body()).contains("300 ms");
    }

    @Test
    void aDeploymentIsCheckedInFullAndKeepsItsFlowVersionUntilToldToTakeTheNewOne() {
        ApiClient.Answer refused = contributor.post("/api/v1/endpoints/reviews-ep/deployments", Map.of("name", "blue",
                "flow", "reviews", "variants", Map.of("label", "optimist", "nope", "a"), "instanceCount", 2,
                "device", "gpu", "cpuCores", 2));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.errorFields()).containsExactlyInAnyOrder("variants.label", "variants.nope", "instanceCount",
                "device", "cpuCores");
        assertThat(deploy("blue", Map.of("flow", "nowhere")).errorFields()).containsExactly("flow");
        assertThat(contributor.post("/api/v1/endpoints/reviews-ep/deployments", Map.of("name", "blue")).errorFields())
                .containsExactlyInAnyOrder("modelId", "flow");
        assertThat(apiAs(Role.VIEWER).post("/api/v1/endpoints/reviews-ep/deployments",
                Map.of("name", "blue", "flow", "reviews")).status()).isEqualTo(403);
        // Deployed by a contributor of its own, whose account is disabled at the end.
        String deployer = "deployer-" + UUID.randomUUID().toString().substring(0, 8);
        User user = users.insert(new UserRepository.NewUser(UUID.randomUUID(), deployer, null, Role.CONTRIBUTOR, null));
        IssuedToken token = IssuedToken.generate(IssuedToken.PERSONAL);
        credentials.insertToken(UUID.randomUUID(), user.id(), "tests", token, Instant.now().plus(Duration.ofHours(1)));
        assertThat(contributor.as(token.value()).post("/api/v1/endpoints/reviews-ep/deployments",
                Map.of("name", "blue", "flow", "reviews")).status()).isEqualTo(201);

        // The flow changes: the deployment answers as before until it takes the new version.
        Map<String, Object> changed = FlowApiTest.reviewFlow("reviews");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = (List<Map<String, Object>>) changed.get("steps");
        changed.put("steps", List.of(steps.get(0), Map.of("name", "why", "variants", List.of(Map.of("name", "plain",
                "model", "hosted/fake-small", "prompt", "Say why it is {{ label }}.")))));
        assertThat(contributor.put("/api/v1/flows/reviews", changed).status()).isEqualTo(200);
        assertThat(score("{\"review\": \"A positive surprise\"}", null).map())
                .containsEntry("why", "echo: The review is positive.");
        ApiClient.Answer redeployed = contributor.patch("/api/v1/endpoints/reviews-ep/deployments/blue",
                Map.of("redeployFlow", true, "variants", Map.of("label", "pessimist")));
        assertThat(redeployed.status()).as(redeployed.toString()).isEqualTo(200);
        assertThat(redeployed.map().get("flow")).as("still run as its creator").isEqualTo(Map.of("name", "reviews",
                "version", 2, "inputs", List.of("review"), "variants", Map.of("label", "pessimist"), "runsAs", deployer));
        assertThat(score("{\"review\": \"A positive surprise\"}", null).map())
                .containsEntry("why", "echo: Say why it is negative.");
        assertThat(contributor.patch("/api/v1/endpoints/reviews-ep/deployments/blue",
                Map.of("variants", Map.of("why", "loud"), "instanceCount", 2)).errorFields())
                .containsExactlyInAnyOrder("variants.why", "instanceCount");
        assertThat(api.get("/api/v1/audit?action=deployment.update").items()).hasSize(1);

        // A deployed flow stays until its deployments go.
        ApiClient.Answer kept = contributor.delete("/api/v1/flows/reviews");
        assertThat(kept.status()).isEqualTo(409);
        assertThat(kept.body()).contains("reviews-ep/blue");

        // Its creator disabled: it says so, and calls are refused.
        assertThat(api.patch("/api/v1/users/" + user.id(), Map.of("disabled", true)).status()).isEqualTo(200);
        // Other catalog services hear of it by PostgreSQL's notices, this one too: within moments.
        ApiClient.Answer refusedCall = score("{\"review\": \"A positive surprise\"}", null);
        for (int tries = 0; refusedCall.status() == 200 && tries < 30; tries++) {
            sleep(100);
            refusedCall = score("{\"review\": \"A positive surprise\"}", null);
        }
        assertThat(refusedCall.status()).isEqualTo(503);
        assertThat(refusedCall.body()).contains("disabled");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> deployments = (List<Map<String, Object>>) api.get("/api/v1/endpoints/reviews-ep")
                .map().get("deployments");
        assertThat(deployments.get(0)).containsEntry("state", "failed");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
