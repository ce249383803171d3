package io.modelcat.store.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.store.StoreTestBase;
import io.modelcat.store.model.ModelFields;
import io.modelcat.store.model.ModelRow;
import io.modelcat.store.model.ModelVersions;
import io.modelcat.store.model.Models;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Batch endpoints, their deployments, their default, and the jobs linked to them. */
class BatchEndpointsTest extends StoreTestBase {

    private ModelVersions.Added version;
    private UUID endpoint;

    @BeforeEach
    void endpointAndModel() throws SQLException {
        ModelRow card = Models.insert(c, UUID.randomUUID(), new ModelFields("tiny", "acme", "", "text-classification",
                List.of("text-classification"), "mit", List.of(), null, null, "[]", "manual", null, null));
        version = ModelVersions.add(c, card.id(), new ModelVersions.NewVersion("a", "file:///m", null, "{}", ""));
        endpoint = UUID.randomUUID();
        assertThat(BatchEndpoints.insert(c, endpoint, "reviews", "nightly", null)).isTrue();
        assertThat(BatchEndpoints.insert(c, UUID.randomUUID(), "reviews", "", null)).as("the name is taken").isFalse();
    }

    private UUID deploy(String name) throws SQLException {
        UUID id = UUID.randomUUID();
        assertThat(BatchEndpoints.insertDeployment(c, new BatchEndpoints.NewDeployment(id, endpoint, name,
                version.version().modelId(), version.version().id(), "text-classification", 1, null))).isTrue();
        return id;
    }

    private UUID job() throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO job (id, kind, params) VALUES (?, 'batch-score', '{}')")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
        return id;
    }

    @Test
    void deploymentsAndTheDefault() throws SQLException {
        UUID blue = deploy("blue");
        deploy("green");
        assertThat(BatchEndpoints.insertDeployment(c, new BatchEndpoints.NewDeployment(UUID.randomUUID(), endpoint,
                "blue", version.version().modelId(), version.version().id(), "text-classification", 1, null)))
                .as("one name per endpoint").isFalse();
        BatchEndpoints.setDefault(c, endpoint, "blue");

        assertThat(BatchEndpoints.byName(c, "reviews")).get().satisfies(e -> {
            assertThat(e.defaultDeployment()).isEqualTo("blue");
            assertThat(e.description()).isEqualTo("nightly");
        });
        assertThat(BatchEndpoints.deployments(c, List.of(endpoint))).extracting(BatchEndpoints.DeploymentRow::name,
                BatchEndpoints.DeploymentRow::versionNumber, BatchEndpoints.DeploymentRow::modelName,
                BatchEndpoints.DeploymentRow::instanceCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("blue", 1, "tiny", 1),
                        org.assertj.core.groups.Tuple.tuple("green", 1, "tiny", 1));
        assertThat(BatchEndpoints.deleteDeployment(c, blue)).isTrue();
        assertThat(BatchEndpoints.deployments(c, List.of(endpoint))).extracting(BatchEndpoints.DeploymentRow::name)
                .containsExactly("green");
        assertThat(BatchEndpoints.lock(c, "nope")).isEmpty();
        assertThat(BatchEndpoints.all(c)).extracting(BatchEndpoints.EndpointRow::name).containsExactly("reviews");
    }

    @Test
    void jobsAreListedNewestFirstAndOutliveTheirEndpoint() throws SQLException {
        deploy("blue");
        UUID first = job();
        UUID second = job();
        BatchEndpoints.linkJob(c, first, endpoint, "blue");
        db.executeHere("UPDATE batch_job SET created_at = now() - interval '1 minute'");
        BatchEndpoints.linkJob(c, second, endpoint, "blue");

        assertThat(BatchEndpoints.jobs(c, endpoint, 10)).extracting(BatchEndpoints.JobLink::jobId)
                .containsExactly(second, first);
        assertThat(BatchEndpoints.jobs(c, endpoint, 1)).hasSize(1);
        assertThat(BatchEndpoints.job(c, endpoint, first)).get().extracting(BatchEndpoints.JobLink::deploymentName)
                .isEqualTo("blue");
        assertThat(BatchEndpoints.job(c, UUID.randomUUID(), first)).isEmpty();

        assertThat(BatchEndpoints.delete(c, endpoint)).isTrue();
        assertThat(BatchEndpoints.byName(c, "reviews")).isEmpty();
        assertThat(BatchEndpoints.jobs(c, endpoint, 10)).isEmpty();
        try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM job")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the jobs stay").isEqualTo(2);
        }
    }
}
