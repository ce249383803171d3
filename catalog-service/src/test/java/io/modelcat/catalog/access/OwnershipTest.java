package io.modelcat.catalog.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Contributors act on their own jobs and datasets; admins on anyone's; viewers only read. */
@MicronautTest(transactional = false)
class OwnershipTest extends CatalogTestBase {

    /** Another contributor, with its own token. */
    private ApiClient otherContributor() {
        String name = "other-" + UUID.randomUUID().toString().substring(0, 8);
        Object id = api.post("/api/v1/users", Map.of("username", name, "role", "contributor")).map().get("id");
        return anonymousApi().as((String) api.post("/api/v1/users/" + id + "/tokens", Map.of("name", "t")).map().get("value"));
    }

    @Test
    void onlyTheSubmitterOrAnAdminCancelsAJob() {
        ApiClient alice = apiAs(Role.CONTRIBUTOR);
        ApiClient bob = otherContributor();
        ApiClient.Answer submitted = alice.post("/api/v1/jobs", Map.of("kind", "noop", "params", Map.of()));
        assertThat(submitted.status()).isEqualTo(201);
        Object jobId = submitted.map().get("id");
        @SuppressWarnings("unchecked")
        Map<String, Object> submitter = (Map<String, Object>) submitted.map().get("submittedBy");
        assertThat(submitter).containsEntry("username", "test-contributor");

        ApiClient.Answer byBob = bob.post("/api/v1/jobs/" + jobId + "/cancel", Map.of());
        assertThat(byBob.status()).isEqualTo(403);
        assertThat(byBob.map().get("detail")).asString().contains("only the owner of job " + jobId);
        assertThat(apiAs(Role.VIEWER).post("/api/v1/jobs/" + jobId + "/cancel", Map.of()).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/jobs/" + jobId).map()).containsEntry("state", "queued");

        assertThat(alice.post("/api/v1/jobs/" + jobId + "/cancel", Map.of()).map()).containsEntry("state", "cancelled");
        Object second = alice.post("/api/v1/jobs", Map.of("kind", "noop", "params", Map.of())).map().get("id");
        assertThat(api.post("/api/v1/jobs/" + second + "/cancel", Map.of()).map()).containsEntry("state", "cancelled");

        var audit = api.get("/api/v1/audit?action=job.&targetId=" + jobId).items();
        assertThat(audit).extracting(e -> e.get("action") + " by " + e.get("actor"))
                .containsExactly("job.cancel by test-contributor", "job.submit by test-contributor");
    }

    @Test
    void onlyTheUploaderOrAnAdminDeletesADataset() {
        byte[] csv = "text,label\nfine,1\n".getBytes(StandardCharsets.UTF_8);
        ApiClient alice = apiAs(Role.CONTRIBUTOR);
        ApiClient.Answer uploaded = alice.upload("/api/v1/datasets?name=alices", "text/csv", csv, true);
        assertThat(uploaded.status()).isEqualTo(201);
        Object id = uploaded.map().get("id");
        assertThat(uploaded.map().get("createdBy")).asString().contains("test-contributor");

        assertThat(otherContributor().delete("/api/v1/datasets/" + id).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/datasets/" + id).status()).isEqualTo(200);
        assertThat(alice.delete("/api/v1/datasets/" + id).status()).isEqualTo(204);

        Object another = alice.upload("/api/v1/datasets?name=alices-2", "text/csv", csv, true).map().get("id");
        assertThat(api.delete("/api/v1/datasets/" + another).status()).isEqualTo(204);
    }

    @Test
    void viewersBrowseButNeitherChangeNorReadRows() {
        ApiClient viewer = apiAs(Role.VIEWER);
        Object dataset = api.upload("/api/v1/datasets?name=private", "text/csv",
                "text,label\nsecret row,1\n".getBytes(StandardCharsets.UTF_8), true).map().get("id");
        assertThat(viewer.get("/api/v1/datasets/" + dataset).status()).isEqualTo(200);
        ApiClient.Answer preview = viewer.get("/api/v1/datasets/" + dataset + "/preview");
        assertThat(preview.status()).isEqualTo(403);
        assertThat(preview.body()).doesNotContain("secret row");
        ApiClient.Answer upload = viewer.upload("/api/v1/datasets?name=nope", "text/csv", "a\n1\n".getBytes(StandardCharsets.UTF_8), true);
        assertThat(upload.status()).isEqualTo(403);
        assertThat(upload.map().get("detail")).asString().contains("'contributor'").contains("test-viewer");
        Object model = create(aModel("catalogued")).get("id");
        assertThat(viewer.get("/api/v1/models/" + model).status()).isEqualTo(200);
        assertThat(viewer.delete("/api/v1/models/" + model).status()).isEqualTo(403);
        assertThat(apiAs(Role.CONTRIBUTOR).delete("/api/v1/models/" + model).status()).isEqualTo(403);
        assertThat(api.delete("/api/v1/models/" + model).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/audit?action=model.delete&targetId=" + model).items()).hasSize(1);
    }
}
