package io.modelcat.store.deploy;

import io.modelcat.jobs.flow.Flow;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.store.SqlValues;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code deployment} and {@code deployment_instance} tables: what each endpoint serves, where its
 * instances run, and the placement that keeps each deployment at its number of instances on live runners.
 */
public final class Deployments {

    /** Key of the advisory lock under which one catalog service at a time places instances. */
    private static final long PLACEMENT_LOCK = 0x6d63_6465_706c_6f79L;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Deployments() {
    }

    /** What a flow deployment's {@code task} column holds: it serves a prompt flow, not a task's model. */
    public static final String FLOW_TASK = "prompt-flow";

    /**
     * A new deployment: of one model version ({@code flow} null), or of a prompt flow ({@code modelId},
     * {@code modelVersionId} and {@code artifactUri} null).
     */
    public record NewDeployment(UUID id, UUID endpointId, String name, UUID modelId, UUID modelVersionId, String task,
                                String artifactUri, int instanceCount, String deviceKind, Limits limits, UUID createdBy,
                                FlowServed flow) {
    }

    /**
     * The prompt flow a flow deployment serves: its own copy of the flow's definition as saved at {@code version},
     * and the variant each step runs (a step not named runs its first).
     */
    public record FlowServed(String name, int version, Flow definition, Map<String, String> variants) {

        public FlowServed {
            variants = Map.copyOf(variants);
        }
    }

    /** The person a flow deployment calls the LLM mesh as (its creator), as their account is now. */
    public record Owner(UUID id, String username, String role, boolean disabled) {
    }

    /**
     * How a deployment takes calls: at most {@code maxConcurrent} at once per instance, each within
     * {@code requestTimeoutMs}, and batched by each instance up to {@code maxBatchSize} inputs, waiting at most
     * {@code maxBatchDelayMs} for others to join the first.
     */
    public record Limits(int maxConcurrent, int requestTimeoutMs, int maxBatchSize, int maxBatchDelayMs) {
    }

    /**
     * A deployment as stored, with its model's name and version number; for a flow deployment, the model's fields
     * are null (and {@code versionNumber} 0) and {@code flow} says what it serves, {@code owner} as whom.
     */
    public record DeploymentRow(UUID id, UUID endpointId, String name, UUID modelId, String modelName,
                                UUID modelVersionId, int versionNumber, String task, String artifactUri,
                                int instanceCount, String deviceKind, Limits limits, Instant createdAt,
                                Instant updatedAt, FlowServed flow, Owner owner) {

        /** Whether it serves a prompt flow (run by the catalog service) rather than a model on runners' instances. */
        public boolean servesFlow() {
            return flow != null;
        }

        public int maxConcurrent() {
            return limits.maxConcurrent();
        }

        public int requestTimeoutMs() {
            return limits.requestTimeoutMs();
        }
    }

    /** An instance of a deployment on a runner, with where that runner answers and the model version it serves. */
    public record InstanceRow(UUID id, UUID deploymentId, UUID modelVersionId, int versionNumber, String workerId,
                              String workerHost, String serveUrl, String state, String reason, String secret,
                              Instant updatedAt) {

        public boolean ready() {
            return "ready".equals(state);
        }
    }

    /** An instance placed on a runner, with what the runner needs to serve it. */
    public record Assignment(UUID instanceId, String state, String secret, UUID deploymentId, String task,
                             String artifactUri, String deviceKind, Limits limits) {
    }

    /** Stores a new deployment; false if its endpoint already has one of that name. */
    public static boolean insert(Connection c, NewDeployment d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO deployment (id, endpoint_id, name, model_id, model_version_id, task, artifact_uri,
                                        instance_count, device_kind, max_concurrent, request_timeout_ms, max_batch_size,
                                        max_batch_delay_ms, created_by, flow_name, flow_version, flow_definition,
                                        flow_variants)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)
                ON CONFLICT (endpoint_id, name) DO NOTHING""")) {
            FlowServed f = d.flow();
            SqlValues.bind(c, ps, Arrays.asList(d.id(), d.endpointId(), d.name(), d.modelId(), d.modelVersionId(),
                    d.task(), d.artifactUri(), d.instanceCount(), d.deviceKind(), d.limits().maxConcurrent(),
                    d.limits().requestTimeoutMs(), d.limits().maxBatchSize(), d.limits().maxBatchDelayMs(), d.createdBy(),
                    f == null ? null : f.name(), f == null ? null : f.version(),
                    f == null ? null : JobSpecs.write(f.definition()), f == null ? null : JobSpecs.write(f.variants())));
            return ps.executeUpdate() == 1;
        }
    }

    /** The deployments of the given endpoints, by endpoint and name. */
    public static List<DeploymentRow> ofEndpoints(Connection c, List<UUID> endpointIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT d.id, d.endpoint_id, d.name, d.model_id, m.name AS model_name, d.model_version_id,
                       v.version_number, d.task, d.artifact_uri, d.instance_count, d.device_kind, d.max_concurrent,
                       d.request_timeout_ms, d.max_batch_size, d.max_batch_delay_ms, d.created_at, d.updated_at,
                       d.flow_name, d.flow_version, d.flow_definition::text AS flow_definition,
                       d.flow_variants::text AS flow_variants, d.created_by, u.username AS owner_name,
                       u.role AS owner_role, u.disabled AS owner_disabled
                FROM deployment d LEFT JOIN model m ON m.id = d.model_id
                     LEFT JOIN model_version v ON v.id = d.model_version_id LEFT JOIN app_user u ON u.id = d.created_by
                WHERE d.endpoint_id = ANY (?) ORDER BY d.endpoint_id, d.name""")) {
            ps.setArray(1, c.createArrayOf("uuid", endpointIds.toArray()));
            List<DeploymentRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new DeploymentRow(SqlValues.uuid(rs, "id"), SqlValues.uuid(rs, "endpoint_id"),
                            rs.getString("name"), SqlValues.uuid(rs, "model_id"), rs.getString("model_name"),
                            SqlValues.uuid(rs, "model_version_id"), rs.getInt("version_number"), rs.getString("task"),
                            rs.getString("artifact_uri"), rs.getInt("instance_count"), rs.getString("device_kind"),
                            limits(rs), SqlValues.instant(rs, "created_at"), SqlValues.instant(rs, "updated_at"),
                            flowServed(rs), owner(rs)));
                }
            }
            return rows;
        }
    }

    @SuppressWarnings("unchecked")
    private static FlowServed flowServed(ResultSet rs) throws SQLException {
        String name = rs.getString("flow_name");
        return name == null ? null : new FlowServed(name, rs.getInt("flow_version"),
                JobSpecs.read(rs.getString("flow_definition"), Flow.class),
                JobSpecs.read(rs.getString("flow_variants"), Map.class));
    }

    private static Owner owner(ResultSet rs) throws SQLException {
        UUID id = SqlValues.uuid(rs, "created_by");
        return id == null || rs.getString("owner_name") == null ? null : new Owner(id, rs.getString("owner_name"),
                rs.getString("owner_role"), rs.getBoolean("owner_disabled"));
    }

    /** The endpoint and deployment names serving a flow, as {@code endpoint/deployment}. */
    public static List<String> servingFlow(Connection c, String flowName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT e.name || '/' || d.name FROM deployment d JOIN endpoint e ON e.id = d.endpoint_id
                WHERE d.flow_name = ? ORDER BY 1""")) {
            ps.setString(1, flowName);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }
    }

    /**
     * A deployment's new settings; its instances of another version are replaced by placement, without a gap. A flow
     * deployment's {@code modelVersionId} and {@code artifactUri} are null and {@code flow} is what it serves now.
     */
    public record Change(UUID modelVersionId, String artifactUri, int instanceCount, Limits limits, FlowServed flow) {
    }

    /** Changes a deployment's version and settings. */
    public static void update(Connection c, UUID id, Change change) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE deployment SET model_version_id = ?, artifact_uri = ?, instance_count = ?, max_concurrent = ?,
                                      request_timeout_ms = ?, max_batch_size = ?, max_batch_delay_ms = ?,
                                      flow_version = ?, flow_definition = ?::jsonb, flow_variants = ?::jsonb,
                                      updated_at = now()
                WHERE id = ?""")) {
            Limits l = change.limits();
            FlowServed f = change.flow();
            SqlValues.bind(c, ps, Arrays.asList(change.modelVersionId(), change.artifactUri(), change.instanceCount(),
                    l.maxConcurrent(), l.requestTimeoutMs(), l.maxBatchSize(), l.maxBatchDelayMs(),
                    f == null ? null : f.version(), f == null ? null : JobSpecs.write(f.definition()),
                    f == null ? null : JobSpecs.write(f.variants()), id));
            ps.executeUpdate();
        }
    }

    /** Deletes a deployment and its instances; false if there was none. */
    public static boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM deployment WHERE id = ?")) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** The instances of the given deployments, by deployment, ready ones first. */
    public static List<InstanceRow> instances(Connection c, List<UUID> deploymentIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT i.id, i.deployment_id, i.model_version_id, v.version_number, i.worker_id, w.host, w.serve_url,
                       i.state, i.reason, i.secret, i.updated_at
                FROM deployment_instance i JOIN worker w ON w.id = i.worker_id
                     JOIN model_version v ON v.id = i.model_version_id
                WHERE i.deployment_id = ANY (?) ORDER BY i.deployment_id, i.state = 'ready' DESC, i.created_at""")) {
            ps.setArray(1, c.createArrayOf("uuid", deploymentIds.toArray()));
            List<InstanceRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new InstanceRow(SqlValues.uuid(rs, "id"), SqlValues.uuid(rs, "deployment_id"),
                            SqlValues.uuid(rs, "model_version_id"), rs.getInt("version_number"), rs.getString("worker_id"), rs.getString("host"), rs.getString("serve_url"),
                            rs.getString("state"), rs.getString("reason"), rs.getString("secret"),
                            SqlValues.instant(rs, "updated_at")));
                }
            }
            return rows;
        }
    }

    /** The instances placed on one runner, with what it needs to serve them. */
    public static List<Assignment> assignedTo(Connection c, String workerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT i.id, i.state, i.secret, d.id AS deployment_id, d.task, i.artifact_uri, d.device_kind,
                       d.max_concurrent, d.request_timeout_ms, d.max_batch_size, d.max_batch_delay_ms
                FROM deployment_instance i JOIN deployment d ON d.id = i.deployment_id
                WHERE i.worker_id = ? ORDER BY i.created_at""")) {
            ps.setString(1, workerId);
            List<Assignment> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Assignment(SqlValues.uuid(rs, "id"), rs.getString("state"), rs.getString("secret"),
                            SqlValues.uuid(rs, "deployment_id"), rs.getString("task"), rs.getString("artifact_uri"),
                            rs.getString("device_kind"), limits(rs)));
                }
            }
            return rows;
        }
    }

    /** Records that an instance's runner loaded its model ({@code ready}) or could not ({@code failed}, with the reason). */
    public static void setInstanceState(Connection c, UUID instanceId, String state, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE deployment_instance SET state = ?, reason = ?, updated_at = now() WHERE id = ?")) {
            ps.setString(1, state);
            ps.setString(2, reason);
            ps.setObject(3, instanceId);
            ps.executeUpdate();
        }
    }

    /** What one placement pass did. */
    public record Placed(int added, int removed) {
    }

    /**
     * Keeps every deployment at its number of instances of its current model version: removes instances on
     * runners whose heartbeat is older than {@code deadAfter} (so that they are placed again), removes extra
     * instances (failed and loading ones first), removes instances of an older version once the current
     * version's are all ready (so that an update never leaves the deployment without a ready instance), and
     * adds missing ones on the live serving runners with the fewest instances, a runner with a GPU that serves
     * nothing else for a GPU deployment, never two of one deployment on one runner while another runner has none. Runs under a transaction-scoped advisory lock: when another catalog service is
     * placing, this pass does nothing.
     */
    public static Placed place(Connection c, Duration deadAfter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, PLACEMENT_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return new Placed(0, 0);
                }
            }
        }
        int removed = 0;
        try (PreparedStatement ps = c.prepareStatement("""
                DELETE FROM deployment_instance i USING worker w
                WHERE w.id = i.worker_id AND w.heartbeat_at < now() - make_interval(secs => ?)
                RETURNING i.id, i.deployment_id, i.worker_id""")) {
            ps.setDouble(1, deadAfter.toMillis() / 1000.0);
            record Gone(UUID instance, UUID deployment, String worker) {
            }
            List<Gone> gone = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    gone.add(new Gone(SqlValues.uuid(rs, "id"), SqlValues.uuid(rs, "deployment_id"),
                            rs.getString("worker_id")));
                }
            }
            for (Gone g : gone) {
                DeploymentLogs.append(c, g.deployment(), g.instance(), g.worker(), DeploymentLogs.Level.WARN,
                        "Removed: runner " + g.worker() + " stopped sending heartbeats (none for more than "
                                + deadAfter.toSeconds() + " s); a replacement is placed on a live runner");
                removed++;
            }
        }
        // Live serving runners with their instance counts.
        Map<String, int[]> load = new LinkedHashMap<>();
        // GPUs not yet serving a deployment, per runner: a GPU serves one instance, and is not handed to jobs.
        Map<String, int[]> freeGpus = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT w.id, jsonb_array_length(w.gpus) - count(i.id) FILTER (WHERE d.device_kind = 'gpu') AS free_gpus,
                       count(i.id) AS instances
                FROM worker w LEFT JOIN deployment_instance i ON i.worker_id = w.id
                     LEFT JOIN deployment d ON d.id = i.deployment_id
                WHERE w.serve_url IS NOT NULL AND w.heartbeat_at >= now() - make_interval(secs => ?)
                GROUP BY w.id ORDER BY w.id""")) {
            ps.setDouble(1, deadAfter.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    load.put(rs.getString("id"), new int[] {rs.getInt("instances")});
                    freeGpus.put(rs.getString("id"), new int[] {rs.getInt("free_gpus")});
                }
            }
        }
        // Deployments, and their instances of the current version and of older ones.
        record Want(UUID id, int count, boolean gpu, UUID version, String artifact, List<UUID> instances,
                    List<String> workers, int ready, List<UUID> old, List<String> oldWorkers) {
        }
        List<Want> wants = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT d.id, d.instance_count, d.device_kind, d.model_version_id, d.artifact_uri,
                       coalesce(array_agg(i.id ORDER BY i.state = 'ready', i.state = 'loading', i.created_at DESC)
                                FILTER (WHERE i.model_version_id = d.model_version_id), '{}') AS instances,
                       coalesce(array_agg(i.worker_id ORDER BY i.state = 'ready', i.state = 'loading', i.created_at DESC)
                                FILTER (WHERE i.model_version_id = d.model_version_id), '{}') AS workers,
                       count(i.id) FILTER (WHERE i.model_version_id = d.model_version_id AND i.state = 'ready') AS ready,
                       coalesce(array_agg(i.id) FILTER (WHERE i.model_version_id <> d.model_version_id), '{}') AS old,
                       coalesce(array_agg(i.worker_id) FILTER (WHERE i.model_version_id <> d.model_version_id), '{}')
                                AS old_workers
                FROM deployment d LEFT JOIN deployment_instance i ON i.deployment_id = d.id
                WHERE d.flow_name IS NULL
                GROUP BY d.id ORDER BY d.created_at""")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    wants.add(new Want(SqlValues.uuid(rs, "id"), rs.getInt("instance_count"),
                            "gpu".equals(rs.getString("device_kind")), SqlValues.uuid(rs, "model_version_id"),
                            rs.getString("artifact_uri"), Arrays.asList((UUID[]) rs.getArray("instances").getArray()),
                            SqlValues.strings(rs.getArray("workers")), rs.getInt("ready"),
                            Arrays.asList((UUID[]) rs.getArray("old").getArray()),
                            SqlValues.strings(rs.getArray("old_workers"))));
                }
            }
        }
        int added = 0;
        for (Want want : wants) {
            // Extras: the first ones of the list, which are failed, then loading, then the newest ready.
            for (int i = 0; i < want.instances().size() - want.count(); i++) {
                removed += remove(c, want.id(), want.instances().get(i), want.workers().get(i), load,
                        "Removed from runner " + want.workers().get(i) + ": the deployment has " + want.count()
                                + " instance(s) now");
            }
            // Instances of an older version keep answering until the current version's are all ready.
            if (want.ready() >= want.count()) {
                for (int i = 0; i < want.old().size(); i++) {
                    removed += remove(c, want.id(), want.old().get(i), want.oldWorkers().get(i), load,
                            "Retired from runner " + want.oldWorkers().get(i) + ": it served an earlier model version, "
                                    + "and every instance of the current one is ready");
                }
            }
            List<String> on = new ArrayList<>(want.workers());
            for (int missing = want.count() - want.instances().size(); missing > 0; missing--) {
                String worker = load.keySet().stream().filter(w -> !want.gpu() || freeGpus.get(w)[0] > 0)
                        .min(Comparator.<String>comparingInt(w -> on.contains(w) ? 1 : 0)
                                .thenComparingInt(w -> load.get(w)[0]))
                        .orElse(null);
                if (worker == null) {
                    break;
                }
                UUID instance = UUID.randomUUID();
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO deployment_instance (id, deployment_id, worker_id, secret, model_version_id, artifact_uri)
                        VALUES (?, ?, ?, ?, ?, ?)""")) {
                    ps.setObject(1, instance);
                    ps.setObject(2, want.id());
                    ps.setString(3, worker);
                    ps.setString(4, newSecret());
                    ps.setObject(5, want.version());
                    ps.setString(6, want.artifact());
                    added += ps.executeUpdate();
                }
                DeploymentLogs.append(c, want.id(), instance, worker, DeploymentLogs.Level.INFO, "Placed on runner "
                        + worker + (want.gpu() ? " (one of its GPUs)" : ""));
                on.add(worker);
                load.get(worker)[0]++;
                if (want.gpu()) {
                    freeGpus.get(worker)[0]--;
                }
            }
        }
        return new Placed(added, removed);
    }

    private static int remove(Connection c, UUID deployment, UUID instance, String worker, Map<String, int[]> load,
                              String why) throws SQLException {
        int[] n = load.get(worker);
        if (n != null) {
            n[0]--;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM deployment_instance WHERE id = ?")) {
            ps.setObject(1, instance);
            int removed = ps.executeUpdate();
            if (removed > 0) {
                DeploymentLogs.append(c, deployment, instance, worker, DeploymentLogs.Level.INFO, why);
            }
            return removed;
        }
    }

    private static Limits limits(ResultSet rs) throws SQLException {
        return new Limits(rs.getInt("max_concurrent"), rs.getInt("request_timeout_ms"), rs.getInt("max_batch_size"),
                rs.getInt("max_batch_delay_ms"));
    }

    private static String newSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
