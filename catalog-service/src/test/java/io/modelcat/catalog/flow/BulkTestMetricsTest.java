package io.modelcat.catalog.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.jobs.spec.BulkTestResult;
import io.modelcat.store.flow.BulkTests;
import io.modelcat.store.metric.BulkTestMetrics;
import io.modelcat.testsupport.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A bulk test's metrics registered in the metric table as the runner registers them when it has evaluated (no runner
 * runs here: the store's {@link BulkTestMetrics} is called with the test's own stored spec), and read back through
 * the models' Metrics and the leaderboard.
 */
@MicronautTest(transactional = false)
class BulkTestMetricsTest extends CatalogTestBase {

    private static BulkTestResult.RunMetrics run(String variant, Map<String, Double> metrics) {
        return new BulkTestResult.RunMetrics(variant, 2, 0, 10, 5, 5, null, metrics, Map.of());
    }

    private String cardOf(ApiClient client, String meshModel) {
        return client.get("/api/v1/models?limit=100").items().stream()
                .filter(m -> meshModel.equals(((Map<?, ?>) m.get("source")).get("repo")))
                .map(m -> (String) m.get("id")).findFirst().orElseThrow();
    }

    private static void register(UUID bulkTestId, UUID jobId, BulkTestResult result) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection()) {
            BulkTests.TestRow test = BulkTests.byId(c, bulkTestId).orElseThrow();
            BulkTestMetrics.replace(c, test.spec(), jobId, result);
        }
    }

    private static void finish(Object jobId) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE job SET state = 'succeeded', finished_at = now() WHERE id = ?::uuid")) {
            ps.setString(1, jobId.toString());
            ps.executeUpdate();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachVariantsMetricsGoToTheModelThatAnsweredWhatTheyMeasureAndReEvaluationReplacesThem() throws SQLException {
        Map<String, Object> connection = new HashMap<>();
        connection.put("name", "hosted");
        connection.put("kind", "openai-compatible");
        connection.put("baseUrl", "http://127.0.0.1:9/v1");
        connection.put("allowedModels", List.of("fake-small", "fake-large"));
        assertThat(api.post("/api/v1/llm/connections", connection).status()).isEqualTo(201);
        ApiClient contributor = apiAs(Role.CONTRIBUTOR);
        assertThat(contributor.post("/api/v1/flows", FlowApiTest.reviewFlow("reviews")).status()).isEqualTo(201);
        byte[] csv = "text,label\nA positive surprise,positive\nA negative affair,negative\n"
                .getBytes(StandardCharsets.UTF_8);
        String datasetId = (String) contributor.upload("/api/v1/datasets?name=reviews", "text/csv", csv, true).map()
                .get("id");
        // The flow's step 'label' is compared: plain on fake-small, pessimist on fake-large; its last step 'why'
        // runs on fake-small in both.
        Map<String, Object> test = new HashMap<>();
        test.put("flow", "reviews");
        test.put("datasetId", datasetId);
        test.put("inputColumns", Map.of("review", "text"));
        test.put("variantStep", "label");
        test.put("evaluations", List.of(Map.of("method", "classification", "output", "label", "groundTruth", "label"),
                Map.of("method", "exact-match", "groundTruth", "label")));
        ApiClient.Answer created = contributor.post("/api/v1/bulk-tests", test);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        UUID id = UUID.fromString((String) created.map().get("id"));
        Object firstJob = ((Map<String, Object>) created.map().get("job")).get("id");

        register(id, UUID.fromString(firstJob.toString()), new BulkTestResult(2, 4, 0, 20, 20, List.of(
                run("plain", Map.of("label.accuracy", 0.9, "label.classification_rows", 2.0, "exact_match", 0.5)),
                run("pessimist", Map.of("label.accuracy", 0.4, "label.classification_rows", 2.0, "exact_match", 0.0)))));

        String small = cardOf(api, "hosted/fake-small");
        String large = cardOf(api, "hosted/fake-large");
        List<Map<String, Object>> ofSmall = api.get("/api/v1/models/" + small + "/metrics").list();
        assertThat(ofSmall).extracting(m -> m.get("name"), m -> m.get("value"), m -> m.get("variant"),
                m -> m.get("task"), m -> m.get("datasetId")).containsExactlyInAnyOrder(
                tuple("label.accuracy", 0.9, "plain", "text-generation", datasetId),
                tuple("exact_match", 0.5, "plain", "text-generation", datasetId),
                tuple("exact_match", 0.0, "pessimist", "text-generation", datasetId));
        assertThat(api.get("/api/v1/models/" + large + "/metrics").list())
                .extracting(m -> m.get("name"), m -> m.get("value"), m -> m.get("variant"))
                .containsExactly(tuple("label.accuracy", 0.4, "pessimist"));
        List<Map<String, Object>> board = api.get("/api/v1/leaderboard?datasetId=" + datasetId
                + "&task=text-generation&metric=label.accuracy").list();
        assertThat(board).extracting(r -> r.get("modelName"), r -> r.get("value"), r -> r.get("jobKind"))
                .containsExactly(tuple("fake-small", 0.9, "bulk-test"), tuple("fake-large", 0.4, "bulk-test"));

        // Applying evaluation methods again is a new job of the test: its figures replace the earlier job's.
        finish(firstJob);
        ApiClient.Answer again = contributor.post("/api/v1/bulk-tests/" + id + "/evaluations", Map.of("evaluations",
                List.of(Map.of("method", "classification", "output", "label", "groundTruth", "label"))));
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        Object secondJob = ((Map<String, Object>) again.map().get("job")).get("id");
        assertThat(secondJob).isNotEqualTo(firstJob);
        BulkTestResult second = new BulkTestResult(2, 0, 0, 0, 0, List.of(
                run("plain", Map.of("label.accuracy", 1.0)), run("pessimist", Map.of("label.accuracy", 0.5))));
        register(id, UUID.fromString(secondJob.toString()), second);
        register(id, UUID.fromString(secondJob.toString()), second); // a retried attempt adds nothing either
        assertThat(api.get("/api/v1/models/" + small + "/metrics").list())
                .extracting(m -> m.get("name"), m -> m.get("value"), m -> m.get("jobId"))
                .containsExactly(tuple("label.accuracy", 1.0, secondJob));
        assertThat(api.get("/api/v1/models/" + large + "/metrics").list()).extracting(m -> m.get("value"))
                .containsExactly(0.5);
        assertThat(api.get("/api/v1/jobs/" + firstJob + "/metrics").map().get("final")).isEqualTo(List.of());
    }
}
