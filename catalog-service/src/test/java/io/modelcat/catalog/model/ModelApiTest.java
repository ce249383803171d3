package io.modelcat.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.testsupport.TestDatabase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@MicronautTest(transactional = false)
class ModelApiTest extends CatalogTestBase {

    @Test
    void createsReadsAndUpdatesACard() {
        ApiClient.Answer created = api.post("/api/v1/models", aModel("tiny-bert"));
        assertThat(created.status()).isEqualTo(201);
        Map<String, Object> card = created.map();
        String id = (String) card.get("id");
        assertThat(card).containsEntry("name", "tiny-bert").containsEntry("task", "text-classification")
                .containsEntry("license", "apache-2.0").containsEntry("status", "not_imported")
                .containsEntry("version", 0);
        assertThat(card.get("source")).isEqualTo(Map.of("type", "manual"));

        ApiClient.Answer read = api.get("/api/v1/models/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.map()).containsEntry("description", "A **test** model.").containsEntry("excerpt", "A test model.")
                .containsEntry("samples", List.of()).doesNotContainKey("summary");
        // A list page carries the excerpt: not the description, nor the samples. The whole card is the list's item
        // with those two fields added.
        Map<String, Object> listed = api.get("/api/v1/models?limit=100").items().stream()
                .filter(m -> id.equals(m.get("id"))).findFirst().orElseThrow();
        assertThat(listed).containsEntry("excerpt", "A test model.")
                .doesNotContainKeys("description", "samples");
        Map<String, Object> whole = new HashMap<>(read.map());
        whole.keySet().removeAll(List.of("description", "samples"));
        assertThat(whole).isEqualTo(listed);

        ApiClient.Answer updated = api.patch("/api/v1/models/" + id,
                Map.of("version", 0, "description", "Changed.", "tags", List.of("a", "b")));
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        assertThat(updated.map()).containsEntry("description", "Changed.").containsEntry("excerpt", "Changed.")
                .containsEntry("version", 1)
                .containsEntry("name", "tiny-bert").containsEntry("tags", List.of("a", "b"));
    }

    @Test
    void staleUpdateIsAConflictAndChangesNothing() {
        String id = (String) create(aModel("contested")).get("id");
        assertThat(api.patch("/api/v1/models/" + id, Map.of("version", 0, "name", "first")).status()).isEqualTo(200);

        ApiClient.Answer second = api.patch("/api/v1/models/" + id, Map.of("version", 0, "name", "second"));

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.contentType()).startsWith("application/problem+json");
        assertThat((String) second.map().get("detail")).contains("you sent version 0").contains("now at version 1");
        assertThat(api.get("/api/v1/models/" + id).map()).containsEntry("name", "first");
    }

    @Test
    void rejectsInvalidCardsNamingEachField() {
        Map<String, Object> body = aModel(" ");
        body.put("task", "image-segmentation");
        body.put("license", "not a licence!");
        body.put("tags", List.of("ok", "x".repeat(51)));
        body.put("description", "d".repeat(100_001));

        ApiClient.Answer answer = api.post("/api/v1/models", body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.errorFields()).contains("name", "license", "tags[1]", "description");
        assertThat(count()).isZero();
    }

    @Test
    void rejectsUnknownTasksListingTheKnownOnes() {
        Map<String, Object> body = aModel("m");
        body.put("task", "image-segmentation");
        body.put("finetuningTasks", List.of("text-classification", "speech"));

        ApiClient.Answer answer = api.post("/api/v1/models", body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorFields()).containsExactly("task", "finetuningTasks[1]");
        assertThat(answer.body()).contains("unknown task 'image-segmentation'").contains("text-generation");
        assertThat(count()).isZero();
    }

    @Test
    void rejectsMissingFieldsAndMalformedJson() {
        ApiClient.Answer missing = api.post("/api/v1/models", Map.of("name", "x"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorFields()).contains("task", "license");

        ApiClient.Answer malformed = api.post("/api/v1/models", "{\"name\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        assertThat(malformed.body()).doesNotContain("at io.micronaut").doesNotContain("Exception:");

        ApiClient.Answer wrongType = api.patch("/api/v1/models/" + create(aModel("t")).get("id"),
                "{\"version\": \"seven\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void updateNeedsTheVersionAndValidFields() {
        String id = (String) create(aModel("v")).get("id");

        ApiClient.Answer noVersion = api.patch("/api/v1/models/" + id, Map.of("name", "w"));
        assertThat(noVersion.status()).isEqualTo(400);
        assertThat(noVersion.errorFields()).containsExactly("version");

        ApiClient.Answer badTask = api.patch("/api/v1/models/" + id, Map.of("version", 0, "task", "nope"));
        assertThat(badTask.status()).isEqualTo(400);
        assertThat(badTask.errorFields()).containsExactly("task");

        ApiClient.Answer blankName = api.patch("/api/v1/models/" + id, Map.of("version", 0, "name", "   "));
        assertThat(blankName.status()).isEqualTo(400);
        assertThat(blankName.errorFields()).containsExactly("name");
        assertThat(api.get("/api/v1/models/" + id).map()).containsEntry("version", 0).containsEntry("name", "v");
    }

    @Test
    void malformedAndUnknownIds() {
        ApiClient.Answer malformed = api.get("/api/v1/models/not-a-uuid");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorFields()).containsExactly("id");

        ApiClient.Answer traversal = api.get("/api/v1/models/..%2F..%2Fetc%2Fpasswd");
        assertThat(traversal.status()).isIn(400, 404);
        assertThat(traversal.contentType()).startsWith("application/problem+json");

        ApiClient.Answer unknown = api.get("/api/v1/models/00000000-0000-4000-8000-000000000000");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat((String) unknown.map().get("detail")).contains("no model has id");

        assertThat(api.delete("/api/v1/models/00000000-0000-4000-8000-000000000000").status()).isEqualTo(404);
        assertThat(api.patch("/api/v1/models/00000000-0000-4000-8000-000000000000", Map.of("version", 0)).status())
                .isEqualTo(404);
    }

    @Test
    void deleteIsRefusedWhileAJobUsesTheModel() {
        String id = (String) create(aModel("busy")).get("id");
        TestDatabase.shared().executeHere("INSERT INTO job (id, kind, state, model_id) VALUES "
                + "(gen_random_uuid(), 'evaluate', 'running', '" + id + "')");

        ApiClient.Answer refused = api.delete("/api/v1/models/" + id);
        assertThat(refused.status()).isEqualTo(409);
        assertThat((String) refused.map().get("detail")).contains("queued or running job");
        assertThat(api.get("/api/v1/models/" + id).status()).isEqualTo(200);

        TestDatabase.shared().executeHere("UPDATE job SET state = 'succeeded' WHERE model_id = '" + id + "'");
        assertThat(api.delete("/api/v1/models/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/models/" + id).status()).isEqualTo(404);
    }

    @Test
    void versionsCountUpAndRecordLineage() {
        String base = (String) create(aModel("base")).get("id");
        ApiClient.Answer v1 = api.post("/api/v1/models/" + base + "/versions",
                Map.of("sourceRevision", "abc123", "artifactUri", "file:///store/base/1"));
        assertThat(v1.status()).isEqualTo(201);
        assertThat(v1.map()).containsEntry("versionNumber", 1);

        String tuned = (String) create(aModel("tuned")).get("id");
        ApiClient.Answer derived = api.post("/api/v1/models/" + tuned + "/versions", Map.of(
                "parentVersionId", v1.map().get("id"), "artifactUri", "file:///store/tuned/1",
                "lineage", Map.of("jobId", "j-1", "hyperparameters", Map.of("epochs", 3))));
        assertThat(derived.status()).isEqualTo(201);
        assertThat(derived.map()).containsEntry("parentVersionId", v1.map().get("id"));

        assertThat(api.post("/api/v1/models/" + base + "/versions", Map.of()).map()).containsEntry("versionNumber", 2);
        assertThat(api.get("/api/v1/models/" + base + "/versions").list())
                .extracting(v -> v.get("versionNumber")).containsExactly(1, 2);
        Map<String, Object> card = api.get("/api/v1/models/" + tuned).map();
        assertThat(card).containsEntry("status", "ready").containsEntry("versionCount", 1);
        assertThat(card.get("latestVersion")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("lineage", Map.of("jobId", "j-1", "hyperparameters", Map.of("epochs", 3)));

        ApiClient.Answer badParent = api.post("/api/v1/models/" + base + "/versions",
                Map.of("parentVersionId", "00000000-0000-4000-8000-000000000000"));
        assertThat(badParent.status()).isEqualTo(400);
        assertThat(badParent.errorFields()).containsExactly("parentVersionId");
        assertThat(api.get("/api/v1/models/" + base + "/versions").list()).hasSize(2);
    }

    @Test
    void duplicateHubRepositoryIsAConflict() {
        Map<String, Object> body = aModel("hub");
        body.put("source", Map.of("type", "huggingface", "repo", "org/hub"));
        create(body);
        ApiClient.Answer again = api.post("/api/v1/models", body);
        assertThat(again.status()).isEqualTo(409);
        assertThat(count()).isEqualTo(1);
    }

    private long count() {
        return ((Number) api.get("/api/v1/models?facets=true").map().get("total")).longValue();
    }
}
