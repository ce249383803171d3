package io.modelcat.catalog.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.jobinput.MlJobTestBase;
import io.modelcat.jobs.spec.BatchScoreSpec;
import io.modelcat.jobs.spec.Setting;
import io.modelcat.testsupport.TestDatabase;
import io.swagger.v3.oas.annotations.media.Schema;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Batch endpoints through real HTTP, with no runner: managing endpoints and deployments, every refusal of an
 * invocation naming its field, the queued batch-score job's params, and downloads once the job succeeded.
 */
@MicronautTest(transactional = false)
class BatchEndpointApiTest extends MlJobTestBase {

    private String endpointWithDeployment() {
        assertThat(api.post("/api/v1/batch-endpoints", Map.of("name", "reviews", "description", "nightly")).status())
                .isEqualTo(201);
        ImportedModel model = importedModel("classifier", "text-classification", List.of(), "mit");
        ApiClient.Answer blue = api.post("/api/v1/batch-endpoints/reviews/deployments", Map.of("name", "blue",
                "modelId", model.id()));
        assertThat(blue.status()).as(blue.toString()).isEqualTo(201);
        return model.id();
    }

    private static Map<String, Object> invocation(String datasetId) {
        Map<String, Object> body = new HashMap<>();
        body.put("datasetId", datasetId);
        body.put("inputColumns", Map.of("text", "review"));
        return body;
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(key, value);
        return copy;
    }

    @Test
    void aSummarizerIsScoredToo() {
        // Every task with sample inference is scored; summarization and translation generate on the runners.
        assertThat(api.post("/api/v1/batch-endpoints", Map.of("name", "digests")).status()).isEqualTo(201);
        String summarizer = importedModel("summarizer", "summarization", List.of(), "mit").id();
        ApiClient.Answer deployment = api.post("/api/v1/batch-endpoints/digests/deployments", Map.of("name", "blue",
                "modelId", summarizer));
        assertThat(deployment.status()).as(deployment.toString()).isEqualTo(201);
    }

    @Test
    @SuppressWarnings("unchecked")
    void endpointsAndDeploymentsAreCheckedAndTheFirstDeploymentIsTheDefault() {
        assertThat(api.post("/api/v1/batch-endpoints", Map.of("name", "No Spaces")).errorFields()).containsExactly("name");
        assertThat(api.post("/api/v1/batch-endpoints", Map.of("name", "ab")).errorFields()).containsExactly("name");
        String modelId = endpointWithDeployment();
        assertThat(api.post("/api/v1/batch-endpoints", Map.of("name", "reviews")).status()).isEqualTo(409);

        assertThat(api.post("/api/v1/batch-endpoints/reviews/deployments", Map.of("name", "green",
                "modelId", UUID.randomUUID().toString())).errorFields()).containsExactly("modelId");
        assertThat(api.post("/api/v1/batch-endpoints/reviews/deployments", Map.of("name", "green",
                "modelId", modelId, "versionNumber", 7)).errorFields()).containsExactly("versionNumber");
        assertThat(api.post("/api/v1/batch-endpoints/reviews/deployments", Map.of("name", "green",
                "modelId", modelId, "instanceCount", 17)).errorFields()).containsExactly("instanceCount");
        assertThat(api.post("/api/v1/batch-endpoints/reviews/deployments", Map.of("name", "green",
                "modelId", modelId, "instanceCount", 0)).toString()).contains("between 1 and 16");
        assertThat(api.post("/api/v1/batch-endpoints/reviews/deployments", Map.of("name", "blue", "modelId", modelId))
                .status()).isEqualTo(409);
        assertThat(api.post("/api/v1/batch-endpoints/nowhere/deployments", Map.of("name", "blue", "modelId", modelId))
                .status()).isEqualTo(404);
        assertThat(api.post("/api/v1/batch-endpoints/reviews/deployments", Map.of("name", "green", "modelId", modelId,
                "instanceCount", 3)).status()).isEqualTo(201);

        Map<String, Object> endpoint = api.get("/api/v1/batch-endpoints/reviews").map();
        assertThat(endpoint).containsEntry("defaultDeployment", "blue").containsEntry("description", "nightly");
        assertThat((List<Map<String, Object>>) endpoint.get("deployments")).extracting(d -> d.get("instanceCount"))
                .as("blue has the default").containsExactly(1, 3);
        assertThat(api.delete("/api/v1/batch-endpoints/reviews/deployments/blue").status())
                .as("the default, while green could take its place").isEqualTo(409);
        assertThat(api.put("/api/v1/batch-endpoints/reviews/default-deployment", Map.of("deployment", "red"))
                .errorFields()).containsExactly("deployment");
        assertThat(api.put("/api/v1/batch-endpoints/reviews/default-deployment", Map.of("deployment", "green"))
                .map()).containsEntry("defaultDeployment", "green");
        assertThat(api.delete("/api/v1/batch-endpoints/reviews/deployments/blue").status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/batch-endpoints/reviews/deployments/green").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/batch-endpoints/reviews").map().get("defaultDeployment")).isNull();

        ApiClient viewer = apiAs(Role.VIEWER);
        assertThat(viewer.get("/api/v1/batch-endpoints").items()).extracting(e -> e.get("name")).containsExactly("reviews");
        assertThat(viewer.post("/api/v1/batch-endpoints", Map.of("name", "mine")).status()).isEqualTo(403);
        assertThat(viewer.delete("/api/v1/batch-endpoints/reviews").status()).isEqualTo(403);
        assertThat(api.get("/api/v1/audit").body()).contains("batch-endpoint.create").contains("batch-deployment.create")
                .contains("batch-endpoint.default-deployment").contains("batch-deployment.delete");
        assertThat(api.delete("/api/v1/batch-endpoints/reviews").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/batch-endpoints/reviews").status()).isEqualTo(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDeploymentsVersionAndInstanceCountChangeAndLaterInvocationsRunWhatItHasThen() {
        String modelId = endpointWithDeployment();
        String datasetId = reviews();
        String path = "/api/v1/batch-endpoints/reviews/deployments/blue";
        ApiClient.Answer before = api.post("/api/v1/batch-endpoints/reviews/jobs", invocation(datasetId));
        assertThat(before.status()).as(before.toString()).isEqualTo(202);
        assertThat(api.post("/api/v1/models/" + modelId + "/versions", Map.of("artifactUri", "file:///models/classifier-v2"))
                .status()).isEqualTo(201);

        ApiClient.Answer changed = api.patch(path, Map.of("versionNumber", 2, "instanceCount", 3));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.map()).containsEntry("versionNumber", 2).containsEntry("instanceCount", 3);
        assertThat(api.patch(path, Map.of("instanceCount", 2)).map()).as("what is left out stays")
                .containsEntry("versionNumber", 2).containsEntry("instanceCount", 2);

        assertThat(api.patch(path, Map.of("versionNumber", 9, "instanceCount", 17)).errorFields())
                .containsExactlyInAnyOrder("versionNumber", "instanceCount");
        assertThat(api.patch(path, Map.of("versionNumber", 0)).errorFields()).containsExactly("versionNumber");
        assertThat(api.patch(path, Map.of("instanceCount", 0)).toString()).contains("between 1 and 16");
        assertThat(api.patch(path, Map.of("instanceCount", "two")).status()).isEqualTo(400);
        assertThat(api.patch("/api/v1/batch-endpoints/reviews/deployments/red", Map.of("instanceCount", 2)).status())
                .isEqualTo(404);
        assertThat(api.patch("/api/v1/batch-endpoints/nowhere/deployments/blue", Map.of("instanceCount", 2)).status())
                .isEqualTo(404);
        assertThat(apiAs(Role.VIEWER).patch(path, Map.of("instanceCount", 1)).status()).isEqualTo(403);
        Map<String, Object> blue = ((List<Map<String, Object>>) api.get("/api/v1/batch-endpoints/reviews").map()
                .get("deployments")).get(0);
        assertThat(blue).as("refused changes changed nothing").containsEntry("versionNumber", 2)
                .containsEntry("instanceCount", 2);

        ApiClient.Answer after = api.post("/api/v1/batch-endpoints/reviews/jobs", invocation(datasetId));
        assertThat((Map<String, Object>) ((Map<String, Object>) after.map().get("job")).get("params"))
                .containsEntry("artifactUri", "file:///models/classifier-v2").containsEntry("instanceCount", 2);
        String earlier = (String) ((Map<String, Object>) before.map().get("job")).get("id");
        assertThat((Map<String, Object>) api.get("/api/v1/jobs/" + earlier).map().get("params"))
                .as("an invocation submitted before keeps what it had").containsEntry("instanceCount", 1)
                .doesNotContainEntry("artifactUri", "file:///models/classifier-v2");
        assertThat(api.get("/api/v1/audit").body()).contains("batch-deployment.update");
    }

    /** The API documentation of an invocation's settings is the contract's own sentence, so they cannot drift. */
    @Test
    void invocationDocumentsTheContractsSettings() {
        for (Setting setting : BatchScoreSpec.SETTINGS) {
            RecordComponent component = Arrays.stream(BatchEndpointRequests.Invoke.class.getRecordComponents())
                    .filter(c -> c.getName().equals(setting.name())).findFirst().orElseThrow();
            assertThat(component.getAccessor().getAnnotation(Schema.class).description()).as(setting.name())
                    .isEqualTo(setting.describe());
        }
    }

    @Test
    void everyBadInvocationIsA400NamingItsField() {
        assertThat(api.post("/api/v1/batch-endpoints", Map.of("name", "empty")).status()).isEqualTo(201);
        String datasetId = reviews();
        assertThat(api.post("/api/v1/batch-endpoints/empty/jobs", invocation(datasetId)).errorFields())
                .as("no deployment yet").containsExactly("deployment");
        endpointWithDeployment();
        String path = "/api/v1/batch-endpoints/reviews/jobs";
        Map<String, Object> good = invocation(datasetId);

        assertThat(api.post(path, with(good, "datasetId", UUID.randomUUID().toString())).errorFields())
                .containsExactly("datasetId");
        assertThat(api.post(path, with(good, "datasetId", null)).errorFields()).containsExactly("datasetId");
        assertThat(api.post(path, with(good, "deployment", "red")).errorFields()).containsExactly("deployment");
        ApiClient.Answer noColumn = api.post(path, with(good, "inputColumns", Map.of("text", "body")));
        assertThat(noColumn.errorFields()).containsExactly("inputColumns.text");
        assertThat(noColumn.toString()).contains("review, stars");
        assertThat(api.post(path, with(good, "inputColumns", Map.of("text", "review", "label", "stars"))).errorFields())
                .containsExactly("inputColumns.label");
        assertThat(api.post(path, with(good, "inputColumns", null)).errorFields())
                .as("no column is called text").containsExactly("inputColumns.text");
        assertThat(api.post(path, with(with(with(with(good, "miniBatchSize", 0), "errorThreshold", -2), "maxRetries", 11),
                "instanceCount", 0)).errorFields())
                .containsExactlyInAnyOrder("miniBatchSize", "errorThreshold", "maxRetries", "instanceCount");
        assertThat(api.post(path, with(good, "device", Map.of("kind", "tpu"))).errorFields()).containsExactly("device.kind");
        for (String badName : List.of("../scores.csv", "scores.txt", "scores", ".csv", "a b.csv", "x".repeat(97) + ".csv")) {
            ApiClient.Answer refused = api.post(path, with(good, "outputFileName", badName));
            assertThat(refused.errorFields()).as(badName).containsExactly("outputFileName");
            assertThat(refused.body()).contains("ending in .csv");
        }
        assertThat(api.post(path, with(good, "datasetId", "not-a-uuid")).status()).isEqualTo(400);
        assertThat(api.post(path, with(good, "miniBatchSize", "ten")).status()).isEqualTo(400);
        assertThat(api.post(path, with(good, "inputColumns", List.of("review"))).status()).isEqualTo(400);
        assertThat(api.post(path, "{not json").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/batch-endpoints/reviews/jobs/not-a-uuid").errorFields()).containsExactly("id");
        assertThat(api.post("/api/v1/batch-endpoints/nowhere/jobs", good).status()).isEqualTo(404);
        assertThat(apiAs(Role.VIEWER).post(path, good).status()).isEqualTo(403);
        assertThat(api.get(path).items()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void anInvocationQueuesABatchScoreJobWhoseOutputsAreDownloadedOnceItSucceeded() throws IOException {
        endpointWithDeployment();
        String datasetId = reviews();
        ApiClient.Answer invoked = api.post("/api/v1/batch-endpoints/reviews/jobs",
                with(invocation(datasetId), "miniBatchSize", 2));
        assertThat(invoked.status()).as(invoked.toString()).isEqualTo(202);
        assertThat(invoked.map()).containsEntry("deployment", "blue");
        Map<String, Object> job = (Map<String, Object>) invoked.map().get("job");
        String jobId = (String) job.get("id");
        assertThat(job).containsEntry("kind", "batch-score").containsEntry("state", "queued");
        Map<String, Object> params = (Map<String, Object>) job.get("params");
        assertThat(params).containsEntry("task", "text-classification").containsEntry("inputColumns", Map.of("text", "review"))
                .containsEntry("miniBatchSize", 2).containsEntry("errorThreshold", -1).containsEntry("maxRetries", 3)
                .containsEntry("inputFileName", "reviews.csv");

        String csvPath = "/api/v1/batch-endpoints/reviews/jobs/" + jobId + "/outputs/predictions.csv";
        assertThat(api.get(csvPath).status()).as("not finished").isEqualTo(404);
        assertThat(api.get("/api/v1/batch-endpoints/reviews/jobs").items()).singleElement()
                .satisfies(j -> assertThat(j.get("outputs")).isNull());
        assertThat(api.delete("/api/v1/batch-endpoints/reviews").status()).as("a job is queued").isEqualTo(409);

        // What a runner leaves when the job succeeds.
        Path outputs = Files.createDirectories(home.resolve("batch-outputs").resolve(jobId));
        Files.writeString(outputs.resolve("predictions.csv"), "0,POSITIVE,reviews.csv\n1,NEGATIVE,reviews.csv\n");
        Files.writeString(outputs.resolve("predictions.jsonl"), "{\"row\":0}\n{\"row\":1}\n");
        TestDatabase.shared().executeHere("UPDATE job SET state = 'succeeded', finished_at = now(), result = '"
                + "{\"rows\": 2, \"scored\": 2, \"badRows\": 0, \"miniBatches\": 1, \"resumedMiniBatches\": 0, "
                + "\"outputUri\": \"" + outputs.toUri() + "\"}' WHERE id = '" + jobId + "'");

        ApiClient.Answer csv = api.get(csvPath);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body()).isEqualTo("0,POSITIVE,reviews.csv\n1,NEGATIVE,reviews.csv\n");
        assertThat(csv.header("Content-Disposition")).contains("predictions.csv");
        assertThat(api.get("/api/v1/batch-endpoints/reviews/jobs/" + jobId + "/outputs/predictions.jsonl").body())
                .contains("{\"row\":1}");
        assertThat(api.get("/api/v1/batch-endpoints/reviews/jobs/" + jobId + "/outputs/secrets.txt").status())
                .isEqualTo(404);
        assertThat(apiAs(Role.VIEWER).get(csvPath).status()).as("downloads are for contributors").isEqualTo(403);
        Map<String, Object> listed = apiAs(Role.VIEWER).get("/api/v1/batch-endpoints/reviews/jobs/" + jobId).map();
        assertThat((Map<String, Object>) listed.get("outputs")).containsEntry("predictions.csv", csvPath);
        assertThat(api.get("/api/v1/batch-endpoints/reviews/jobs/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/audit").body()).contains("batch-endpoint.invoke");

        assertThat(api.delete("/api/v1/batch-endpoints/reviews").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/jobs/" + jobId).status()).as("the job stays").isEqualTo(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anInvocationNamesItsOutputFileAndItsOutputsAreListedAndDownloadedByThatName() throws IOException {
        endpointWithDeployment();
        ApiClient.Answer invoked = api.post("/api/v1/batch-endpoints/reviews/jobs",
                with(invocation(reviews()), "outputFileName", "nightly_2026-12-06.csv"));
        assertThat(invoked.status()).as(invoked.toString()).isEqualTo(202);
        Map<String, Object> job = (Map<String, Object>) invoked.map().get("job");
        String jobId = (String) job.get("id");
        assertThat((Map<String, Object>) job.get("params")).containsEntry("outputFileName", "nightly_2026-12-06.csv");

        // What a runner leaves when the job succeeds: the files under the names it recorded.
        Path outputs = Files.createDirectories(home.resolve("batch-outputs").resolve(jobId));
        Files.writeString(outputs.resolve("nightly_2026-12-06.csv"), "0,POSITIVE,reviews.csv\n");
        Files.writeString(outputs.resolve("nightly_2026-12-06.jsonl"), "{\"row\":0}\n");
        TestDatabase.shared().executeHere("UPDATE job SET state = 'succeeded', finished_at = now(), result = '"
                + "{\"rows\": 1, \"scored\": 1, \"badRows\": 0, \"miniBatches\": 1, \"resumedMiniBatches\": 0, "
                + "\"outputUri\": \"" + outputs.toUri() + "\", \"csvFile\": \"nightly_2026-12-06.csv\", "
                + "\"jsonlFile\": \"nightly_2026-12-06.jsonl\"}' WHERE id = '" + jobId + "'");

        String base = "/api/v1/batch-endpoints/reviews/jobs/" + jobId + "/outputs/";
        assertThat((Map<String, Object>) api.get("/api/v1/batch-endpoints/reviews/jobs/" + jobId).map().get("outputs"))
                .containsExactly(Map.entry("nightly_2026-12-06.csv", base + "nightly_2026-12-06.csv"),
                        Map.entry("nightly_2026-12-06.jsonl", base + "nightly_2026-12-06.jsonl"));
        ApiClient.Answer csv = api.get(base + "nightly_2026-12-06.csv");
        assertThat(csv.body()).isEqualTo("0,POSITIVE,reviews.csv\n");
        assertThat(csv.header("Content-Disposition")).contains("nightly_2026-12-06.csv");
        assertThat(api.get(base + "nightly_2026-12-06.jsonl").body()).contains("{\"row\":0}");
        ApiClient.Answer other = api.get(base + "predictions.csv");
        assertThat(other.status()).as("the default name is not this job's").isEqualTo(404);
        assertThat(other.body()).contains("wrote nightly_2026-12-06.csv and nightly_2026-12-06.jsonl");
    }

    @Test
    @SuppressWarnings("unchecked")
    void anInvocationOnSeveralInstancesQueuesHelpersThatTheEndpointDoesNotListAndCancellingStopsThem() {
        endpointWithDeployment();
        String datasetId = reviews();
        ApiClient.Answer invoked = api.post("/api/v1/batch-endpoints/reviews/jobs",
                with(invocation(datasetId), "instanceCount", 3));
        assertThat(invoked.status()).as(invoked.toString()).isEqualTo(202);
        Map<String, Object> job = (Map<String, Object>) invoked.map().get("job");
        String jobId = (String) job.get("id");
        assertThat((Map<String, Object>) job.get("params")).containsEntry("instanceCount", 3);

        List<Map<String, Object>> helpers = api.get("/api/v1/jobs?kind=batch-score-helper").items();
        assertThat(helpers).hasSize(2).allSatisfy(h -> {
            assertThat(h).containsEntry("state", "queued");
            assertThat((Map<String, Object>) h.get("params")).containsEntry("invocationJobId", jobId);
        });
        assertThat(helpers).extracting(h -> ((Map<String, Object>) h.get("params")).get("instance"))
                .containsExactlyInAnyOrder(1, 2);
        assertThat(api.get("/api/v1/batch-endpoints/reviews/jobs").items()).extracting(j -> (Object) ((Map<?, ?>) j.get("job")).get("id"))
                .as("the helpers are not invocations").containsExactly(jobId);

        assertThat(api.post("/api/v1/jobs/" + jobId + "/cancel", Map.of()).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/jobs?kind=batch-score-helper").items()).extracting(h -> h.get("state"))
                .containsExactly("cancelled", "cancelled");

        ApiClient.Answer onDeployments = api.post("/api/v1/batch-endpoints/reviews/jobs", invocation(datasetId));
        assertThat((Map<String, Object>) ((Map<String, Object>) onDeployments.map().get("job")).get("params"))
                .as("the deployment's count").containsEntry("instanceCount", 1);
        assertThat(api.get("/api/v1/jobs?kind=batch-score-helper").items()).hasSize(2);
    }
}
