package io.modelcat.store.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.jobs.flow.Flow;
import io.modelcat.jobs.flow.FlowStep;
import io.modelcat.jobs.flow.StepVariant;
import io.modelcat.store.StoreTestBase;
import io.modelcat.store.flow.PromptFlows;
import io.modelcat.store.model.ModelFields;
import io.modelcat.store.model.ModelRow;
import io.modelcat.store.model.ModelVersions;
import io.modelcat.store.model.Models;
import io.modelcat.store.worker.Workers;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Endpoints, deployments, and placement of their instances on live serving runners. */
class DeploymentsTest extends StoreTestBase {

    private static final Duration DEAD_AFTER = Duration.ofSeconds(15);

    private UUID endpoint;
    private ModelVersions.Added version;

    @BeforeEach
    void endpointAndModel() throws SQLException {
        ModelRow card = Models.insert(c, UUID.randomUUID(), new ModelFields("tiny", "acme", "", "text-classification",
                List.of("text-classification"), "mit", List.of(), null, null, "[]", "manual", null, null));
        version = ModelVersions.add(c, card.id(), new ModelVersions.NewVersion("a", "file:///m", null, "{}", ""));
        endpoint = UUID.randomUUID();
        Endpoints.StoredKey key = new Endpoints.StoredKey("0".repeat(64), null);
        assertThat(Endpoints.insert(c, new Endpoints.NewEndpoint(endpoint, "sentiment", "", "key", key, key, null))).isTrue();
        assertThat(Endpoints.insert(c, new Endpoints.NewEndpoint(UUID.randomUUID(), "sentiment", "", "key", key, key,
                null))).as("the name is taken").isFalse();
    }

    private UUID deploy(String name, int instances, String device) throws SQLException {
        return deploy(name, instances, device, null);
    }

    private UUID deploy(String name, int instances, String device, Integer cpuCores) throws SQLException {
        UUID id = UUID.randomUUID();
        assertThat(Deployments.insert(c, new Deployments.NewDeployment(id, endpoint, name, version.version().modelId(),
                version.version().id(), "text-classification", "file:///m", instances, device, cpuCores,
                new Deployments.Limits(4, 5000, 8, 2), null, null))).isTrue();
        return id;
    }

    /** Places the deployment's one instance and has it ready, as its runner would; answers the instance. */
    private UUID placedAndReady(UUID deployment) throws SQLException {
        Deployments.place(c, DEAD_AFTER);
        UUID instance = Deployments.instances(c, List.of(deployment)).get(0).id();
        Deployments.setInstanceState(c, instance, "ready", null);
        return instance;
    }

    private void runner(String id, boolean gpu) throws SQLException {
        Workers.heartbeat(c, new Workers.Machine(id, id, 4, 1L << 30, gpu ? "[{\"index\": 0}]" : "[]",
                "http://" + id + ":8081"), null);
    }

    private Map<String, Long> perWorker(UUID deployment) throws SQLException {
        return Deployments.instances(c, List.of(deployment)).stream().collect(java.util.stream.Collectors
                .groupingBy(Deployments.InstanceRow::workerId, java.util.stream.Collectors.counting()));
    }

    @Test
    void instancesSpreadOverLiveRunnersAndFollowTheirCount() throws SQLException {
        runner("r1", false);
        runner("r2", false);
        UUID blue = deploy("blue", 2, "cpu");
        assertThat(Deployments.place(c, DEAD_AFTER)).isEqualTo(new Deployments.Placed(2, 0));
        assertThat(perWorker(blue)).isEqualTo(Map.of("r1", 1L, "r2", 1L));
        assertThat(Deployments.place(c, DEAD_AFTER)).as("nothing more to do").isEqualTo(new Deployments.Placed(0, 0));

        // A runner that stops beating: its instance goes and is placed again on the live one.
        db.executeHere("UPDATE worker SET heartbeat_at = now() - interval '1 minute' WHERE id = 'r2'");
        assertThat(Deployments.place(c, DEAD_AFTER)).isEqualTo(new Deployments.Placed(1, 1));
        assertThat(perWorker(blue)).isEqualTo(Map.of("r1", 2L));

        // Fewer instances wanted: the one not ready goes first.
        UUID readyOne = Deployments.instances(c, List.of(blue)).get(0).id();
        Deployments.setInstanceState(c, readyOne, "ready", null);
        db.executeHere("UPDATE deployment SET instance_count = 1");
        assertThat(Deployments.place(c, DEAD_AFTER)).isEqualTo(new Deployments.Placed(0, 1));
        assertThat(Deployments.instances(c, List.of(blue))).singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo(readyOne);
            assertThat(i.ready()).isTrue();
            assertThat(i.serveUrl()).isEqualTo("http://r1:8081");
            assertThat(i.secret()).hasSize(48);
        });
        assertThat(Deployments.assignedTo(c, "r1")).singleElement().satisfies(a -> {
            assertThat(a.instanceId()).isEqualTo(readyOne);
            assertThat(a.task()).isEqualTo("text-classification");
            assertThat(a.limits()).isEqualTo(new Deployments.Limits(4, 5000, 8, 2));
        });
    }

    @Test
    void aNewVersionReplacesTheOldOnlyOnceItIsReady() throws SQLException {
        runner("r1", false);
        UUID blue = deploy("blue", 1, "cpu");
        UUID first = placedAndReady(blue);
        ModelVersions.Added next = ModelVersions.add(c, version.version().modelId(),
                new ModelVersions.NewVersion("b", "file:///m2", null, "{}", ""));
        Deployments.update(c, blue, new Deployments.Change(next.version().id(), "file:///m2", 1, null,
                new Deployments.Limits(4, 5000, 8, 2), null));

        assertThat(Deployments.place(c, DEAD_AFTER)).as("the new one placed, the old one kept")
                .isEqualTo(new Deployments.Placed(1, 0));
        List<Deployments.InstanceRow> both = Deployments.instances(c, List.of(blue));
        assertThat(both).extracting(Deployments.InstanceRow::versionNumber).containsExactlyInAnyOrder(1, 2);
        UUID second = both.stream().filter(i -> i.versionNumber() == 2).findFirst().orElseThrow().id();
        assertThat(Deployments.assignedTo(c, "r1")).filteredOn(a -> a.instanceId().equals(second))
                .singleElement().satisfies(a -> assertThat(a.artifactUri()).isEqualTo("file:///m2"));
        assertThat(Deployments.place(c, DEAD_AFTER)).as("still loading").isEqualTo(new Deployments.Placed(0, 0));

        Deployments.setInstanceState(c, second, "ready", null);
        assertThat(Deployments.place(c, DEAD_AFTER)).isEqualTo(new Deployments.Placed(0, 1));
        assertThat(Deployments.instances(c, List.of(blue))).extracting(Deployments.InstanceRow::id).containsExactly(second);
    }

    @Test
    void placementWritesWhatItDidToTheDeploymentsLog() throws SQLException {
        runner("r1", false);
        runner("r2", false);
        UUID blue = deploy("blue", 1, "cpu");
        Deployments.place(c, DEAD_AFTER);
        Deployments.InstanceRow first = Deployments.instances(c, List.of(blue)).get(0);
        DeploymentLogs.instance(c, first.id(), DeploymentLogs.Level.INFO, "Ready");
        db.executeHere("UPDATE worker SET heartbeat_at = now() - interval '1 minute' WHERE id = '" + first.workerId() + "'");
        Deployments.place(c, DEAD_AFTER);

        List<DeploymentLogs.Line> lines = DeploymentLogs.lines(c, blue, null, 10);
        assertThat(lines).extracting(DeploymentLogs.Line::level).containsExactly("INFO", "INFO", "WARN", "INFO");
        assertThat(lines.get(0).message()).isEqualTo("Placed on runner " + first.workerId());
        assertThat(lines.get(0).instanceId()).isEqualTo(first.id());
        assertThat(lines.get(1).message()).isEqualTo("Ready");
        assertThat(lines.get(2).message()).startsWith("Removed: runner " + first.workerId() + " stopped sending heartbeats");
        assertThat(lines.get(2).instanceId()).as("the instance row is gone, its lines stay").isEqualTo(first.id());
        assertThat(lines.get(3).workerId()).isNotEqualTo(first.workerId());

        // After an id: only newer lines; without one: the newest, oldest first.
        assertThat(DeploymentLogs.lines(c, blue, lines.get(1).id(), 10)).containsExactlyElementsOf(lines.subList(2, 4));
        assertThat(DeploymentLogs.lines(c, blue, null, 2)).containsExactlyElementsOf(lines.subList(2, 4));
        // A line about an instance that is gone is dropped.
        DeploymentLogs.instance(c, first.id(), DeploymentLogs.Level.ERROR, "late");
        assertThat(DeploymentLogs.lines(c, blue, null, 10)).hasSize(4);
    }

    @Test
    void aDeploymentKeepsItsNewestLogLines() throws SQLException {
        UUID blue = deploy("blue", 1, "cpu");
        for (int i = 0; i < DeploymentLogs.KEPT + 5; i++) {
            DeploymentLogs.append(c, blue, null, null, DeploymentLogs.Level.INFO, "line " + i);
        }
        List<DeploymentLogs.Line> kept = DeploymentLogs.lines(c, blue, 0L, DeploymentLogs.KEPT + 10);
        assertThat(kept).hasSize(DeploymentLogs.KEPT);
        assertThat(kept.get(0).message()).isEqualTo("line 5");
        assertThat(kept.get(kept.size() - 1).message()).isEqualTo("line " + (DeploymentLogs.KEPT + 4));
    }

    @Test
    void trafficCountsOfSeveralServicesAddUp() throws SQLException {
        UUID blue = deploy("blue", 1, "cpu");
        java.time.Instant minute = java.time.Instant.parse("2026-12-05T01:00:00Z");
        long[] buckets = new long[DeploymentTraffic.BUCKET_ENDS_MS.size() + 1];
        buckets[3] = 2;
        DeploymentTraffic.add(c, blue, minute, new DeploymentTraffic.Counts(2, 0, 1, 0, buckets));
        buckets[3] = 1;
        buckets[13] = 1;
        DeploymentTraffic.add(c, blue, minute, new DeploymentTraffic.Counts(1, 1, 0, 1, buckets));
        DeploymentTraffic.add(c, UUID.randomUUID(), minute, new DeploymentTraffic.Counts(5, 0, 0, 0, buckets));

        assertThat(DeploymentTraffic.since(c, List.of(blue), minute.minusSeconds(60))).singleElement().satisfies(m -> {
            assertThat(m.counts().requests()).isEqualTo(3);
            assertThat(m.counts().errors()).isEqualTo(1);
            assertThat(m.counts().throttled()).isEqualTo(1);
            assertThat(m.counts().mirrored()).isEqualTo(1);
            assertThat(m.counts().latency()[3]).isEqualTo(3);
            assertThat(m.counts().latency()[13]).isEqualTo(1);
        });
        assertThat(DeploymentTraffic.since(c, List.of(blue), minute.plusSeconds(60))).isEmpty();
        Endpoints.setMirror(c, endpoint, Map.of("blue", 20));
        assertThat(Endpoints.byName(c, "sentiment").orElseThrow().mirror()).isEqualTo(Map.of("blue", 20));
    }

    @Test
    void aGpuDeploymentWaitsForARunnerWithAGpuAndNonServingRunnersGetNothing() throws SQLException {
        runner("cpu-only", false);
        Workers.heartbeat(c, new Workers.Machine("no-serving", "h", 4, 1L << 30, "[{\"index\": 0}]", null), null);
        UUID green = deploy("green", 1, "gpu");
        assertThat(Deployments.place(c, DEAD_AFTER)).isEqualTo(new Deployments.Placed(0, 0));
        runner("gpu-box", true);
        Deployments.place(c, DEAD_AFTER);
        assertThat(perWorker(green)).isEqualTo(Map.of("gpu-box", 1L));

        // Its one GPU serves green: a second GPU deployment waits for another GPU.
        UUID teal = deploy("teal", 1, "gpu");
        assertThat(Deployments.place(c, DEAD_AFTER).added()).isZero();
        runner("gpu-box-2", true);
        Deployments.place(c, DEAD_AFTER);
        assertThat(perWorker(teal)).isEqualTo(Map.of("gpu-box-2", 1L));
    }

    @Test
    void instancesThatReserveCpuCoresArePlacedOnlyWhereThatManyAreNotReserved() throws SQLException {
        runner("r1", false);
        runner("r2", false);
        // Each runner has 4 cores: two instances of 3 take one runner each, and a third waits.
        UUID big = deploy("big", 3, "cpu", 3);
        assertThat(Deployments.place(c, DEAD_AFTER)).isEqualTo(new Deployments.Placed(2, 0));
        assertThat(perWorker(big)).isEqualTo(Map.of("r1", 1L, "r2", 1L));
        assertThat(Deployments.instances(c, List.of(big))).extracting(Deployments.InstanceRow::cpuCores)
                .containsOnly(3);
        assertThat(Deployments.assignedTo(c, "r1")).singleElement()
                .satisfies(a -> assertThat(a.cpuCores()).isEqualTo(3));
        // One core left on each: an instance of 1 fits, one of 2 does not; uncounted ones go anywhere.
        UUID one = deploy("one", 1, "cpu", 1);
        UUID two = deploy("two", 1, "cpu", 2);
        UUID shared = deploy("shared", 2, "cpu");
        assertThat(Deployments.place(c, DEAD_AFTER)).isEqualTo(new Deployments.Placed(3, 0));
        assertThat(perWorker(one)).hasSize(1);
        assertThat(perWorker(two)).isEmpty();
        assertThat(perWorker(shared)).isEqualTo(Map.of("r1", 1L, "r2", 1L));
        assertThat(Workers.live(c, DEAD_AFTER)).as("the runners' list says what is placed and reserved")
                .extracting(w -> w.servedInstances() + " instances, " + w.reservedCores() + " cores")
                .containsExactlyInAnyOrder("3 instances, 4 cores", "2 instances, 3 cores");
        assertThat(Deployments.assignedTo(c, "r2")).filteredOn(a -> a.deploymentId().equals(shared)).singleElement()
                .satisfies(a -> assertThat(a.cpuCores()).isNull());

        // A runner with room comes: the waiting ones are placed there.
        runner("r3", false);
        assertThat(Deployments.place(c, DEAD_AFTER)).isEqualTo(new Deployments.Placed(1, 0));
        assertThat(perWorker(big)).containsEntry("r3", 1L);
        assertThat(perWorker(two)).isEmpty();
        // Fewer instances of big: the cores of the one removed can be reserved again.
        db.executeHere("UPDATE deployment SET instance_count = 2 WHERE name = 'big'");
        Deployments.place(c, DEAD_AFTER);
        assertThat(perWorker(two)).hasSize(1);
    }

    @Test
    void instancesWithOtherCpuCoresThanTheirDeploymentAreReplacedOnceTheNewOnesAreReady() throws SQLException {
        runner("r1", false);
        UUID blue = deploy("blue", 1, "cpu");
        UUID first = placedAndReady(blue);
        Deployments.update(c, blue, new Deployments.Change(version.version().id(), "file:///m", 1, 2,
                new Deployments.Limits(4, 5000, 8, 2), null));
        Deployments.DeploymentRow row = Deployments.ofEndpoints(c, List.of(endpoint)).get(0);
        assertThat(row.cpuCores()).isEqualTo(2);
        assertThat(row.current(Deployments.instances(c, List.of(blue)).get(0))).as("placed without cores").isFalse();

        assertThat(Deployments.place(c, DEAD_AFTER)).as("the new one placed, the old one kept")
                .isEqualTo(new Deployments.Placed(1, 0));
        UUID second = Deployments.instances(c, List.of(blue)).stream().filter(i -> !i.id().equals(first))
                .findFirst().orElseThrow().id();
        assertThat(Deployments.place(c, DEAD_AFTER)).as("still loading").isEqualTo(new Deployments.Placed(0, 0));
        Deployments.setInstanceState(c, second, "ready", null);
        assertThat(Deployments.place(c, DEAD_AFTER)).isEqualTo(new Deployments.Placed(0, 1));
        assertThat(Deployments.instances(c, List.of(blue))).singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo(second);
            assertThat(i.cpuCores()).isEqualTo(2);
        });
    }

    @Test
    void oneCatalogServicePlacesAtATime() throws SQLException {
        runner("r1", false);
        deploy("blue", 1, "cpu");
        try (Connection other = db.dataSource().getConnection()) {
            other.setAutoCommit(false);
            Deployments.place(other, DEAD_AFTER);
            assertThat(Deployments.place(c, DEAD_AFTER)).as("the other holds the lock").isEqualTo(new Deployments.Placed(0, 0));
            other.rollback();
        }
        assertThat(Deployments.place(c, DEAD_AFTER).added()).isEqualTo(1);
    }

    @Test
    void trafficAndKeysAreKeptAndDeletingAnEndpointTakesItsDeployments() throws SQLException {
        UUID blue = deploy("blue", 1, "cpu");
        Endpoints.setTraffic(c, endpoint, Map.of("blue", 100));
        Endpoints.setKey(c, endpoint, Endpoints.KeyType.SECONDARY, new Endpoints.StoredKey("f".repeat(64), "sealed"));
        Endpoints.EndpointRow row = Endpoints.byName(c, "sentiment").orElseThrow();
        assertThat(row.traffic()).isEqualTo(Map.of("blue", 100));
        assertThat(row.key(Endpoints.KeyType.SECONDARY)).isEqualTo(new Endpoints.StoredKey("f".repeat(64), "sealed"));
        assertThat(row.key(Endpoints.KeyType.PRIMARY).hash()).isEqualTo("0".repeat(64));
        assertThat(Deployments.ofEndpoints(c, List.of(endpoint))).singleElement().satisfies(d -> {
            assertThat(d.modelName()).isEqualTo("tiny");
            assertThat(d.versionNumber()).isEqualTo(1);
        });
        assertThat(Endpoints.delete(c, endpoint)).isTrue();
        assertThat(Deployments.ofEndpoints(c, List.of(endpoint))).isEmpty();
        assertThat(Deployments.delete(c, blue)).isFalse();
    }

    @Test
    void aFlowDeploymentKeepsItsCopyOfTheFlowIsNotPlacedAndHoldsTheFlow() throws SQLException {
        runner("r1", false);
        Flow flow = new Flow("", List.of("ticket"), List.of(new FlowStep("label", List.of(
                new StepVariant("plain", "fake/m", null, "{{ ticket }}", null, null, null),
                new StepVariant("terse", "fake/m", null, "Label: {{ ticket }}", null, null, null)))));
        assertThat(PromptFlows.insert(c, "triage", flow, "ada")).isTrue();
        UUID id = UUID.randomUUID();
        assertThat(Deployments.insert(c, new Deployments.NewDeployment(id, endpoint, "flow-a", null, null,
                Deployments.FLOW_TASK, null, 1, "cpu", null, new Deployments.Limits(4, 60_000, 1, 0), null,
                new Deployments.FlowServed("triage", 1, flow, Map.of("label", "terse"))))).isTrue();

        assertThat(Deployments.place(c, DEAD_AFTER)).as("nothing to place for a flow").isEqualTo(new Deployments.Placed(0, 0));
        assertThat(Deployments.ofEndpoints(c, List.of(endpoint))).singleElement().satisfies(d -> {
            assertThat(d.servesFlow()).isTrue();
            assertThat(d.modelId()).isNull();
            assertThat(d.flow()).isEqualTo(new Deployments.FlowServed("triage", 1, flow, Map.of("label", "terse")));
        });
        assertThat(Deployments.servingFlow(c, "triage")).containsExactly("sentiment/flow-a");

        PromptFlows.update(c, "triage", new Flow("changed", flow.inputs(), flow.steps()), "ada");
        assertThat(Deployments.ofEndpoints(c, List.of(endpoint)).get(0).flow().definition().description())
                .as("saving the flow changes no deployment").isEmpty();
        Deployments.update(c, id, new Deployments.Change(null, null, 1, null, new Deployments.Limits(4, 60_000, 1, 0),
                new Deployments.FlowServed("triage", 2, new Flow("changed", flow.inputs(), flow.steps()), Map.of())));
        assertThat(Deployments.ofEndpoints(c, List.of(endpoint)).get(0).flow().version()).isEqualTo(2);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PromptFlows.delete(c, "triage"))
                .as("a served flow stays").isInstanceOf(SQLException.class);
    }
}
