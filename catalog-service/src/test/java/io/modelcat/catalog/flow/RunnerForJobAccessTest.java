package io.modelcat.catalog.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.store.Database;
import io.modelcat.store.job.Claim;
import io.modelcat.store.job.Jobs;
import io.modelcat.testsupport.llm.FakeLlmProvider;
import jakarta.inject.Inject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Job-runners call the LLM mesh for a bulk test with their runner token and the job's id: only while that job runs,
 * only on the mesh's chat route, only with a live runner token, and as the person who asked for the test.
 */
@MicronautTest(transactional = false)
class RunnerForJobAccessTest extends CatalogTestBase {

    private static final String CHAT = "/api/v1/llm/v1/chat/completions";
    private final FakeLlmProvider provider = FakeLlmProvider.start();

    @Inject
    Database db;

    @AfterAll
    void stopProvider() {
        provider.close();
    }

    private ApiClient.Answer callAsRunner(String path, String runnerToken, String jobHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path))
                .header("Authorization", "Bearer " + runnerToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"hosted/fake-small\",\"messages\":[{\"role\":"
                        + "\"user\",\"content\":\"hi\"}]}", StandardCharsets.UTF_8));
        if (jobHeader != null) {
            request.header("X-ModelCat-Job", jobHeader);
        }
        return anonymousApi().send(request);
    }

    @Test
    void aRunnerCallsTheMeshOnlyForARunningBulkTestAndAsItsSubmitter() {
        assertThat(api.post("/api/v1/llm/connections", Map.of("name", "hosted", "kind", "openai-compatible",
                "baseUrl", provider.baseUrl(), "allowedModels", List.of("fake-small", "fake-large"))).status())
                .isEqualTo(201);
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        assertThat(contributor.post("/api/v1/flows", FlowApiTest.reviewFlow("reviews")).status()).isEqualTo(201);
        Object dataset = contributor.upload("/api/v1/datasets?name=reviews", "text/csv",
                "review\ngood\n".getBytes(StandardCharsets.UTF_8), true).map().get("id");
        ApiClient.Answer test = contributor.post("/api/v1/bulk-tests", Map.of("flow", "reviews", "datasetId", dataset));
        assertThat(test.status()).as(test.toString()).isEqualTo(201);
        UUID job = UUID.fromString((String) ((Map<?, ?>) test.map().get("job")).get("id"));
        ApiClient.Answer issued = api.post("/api/v1/runner-tokens", Map.of("name", "box"));
        String runnerToken = (String) issued.map().get("value");
        Object runnerTokenId = ((Map<?, ?>) issued.map().get("token")).get("id");

        assertThat(callAsRunner(CHAT, runnerToken, job.toString()).status()).as("the job is only queued").isEqualTo(401);
        assertThat(callAsRunner(CHAT, runnerToken, "not-a-job").status()).isEqualTo(401);
        assertThat(callAsRunner(CHAT, runnerToken, null).status()).as("a runner token alone").isEqualTo(401);

        Optional<Claim> claimed = db.write(c -> Jobs.claim(c, job, "box-1", false));
        assertThat(claimed).isPresent();
        ApiClient.Answer answered = callAsRunner(CHAT, runnerToken, job.toString());
        assertThat(answered.status()).as(answered.toString()).isEqualTo(200);
        assertThat(answered.body()).contains("echo: hi");
        assertThat(api.get("/api/v1/llm/usage").body()).contains("\"username\":\"test-contributor\"");
        assertThat(callAsRunner(CHAT, "someone-elses-token-0123456789", job.toString()).status()).isEqualTo(401);
        assertThat(callAsRunner("/api/v1/flows/reviews/run", runnerToken, job.toString()).status())
                .as("only the mesh's chat route takes runners").isEqualTo(401);

        assertThat(api.delete("/api/v1/runner-tokens/" + runnerTokenId).status()).isIn(200, 204);
        assertThat(callAsRunner(CHAT, runnerToken, job.toString()).status()).as("revoked, at once").isEqualTo(401);
    }
}
