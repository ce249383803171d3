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
import java.util.Objects;
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
                                String artifactUri, int instanceCount, String deviceKind, Integer cpuCores, Limits limits,
                                UUID createdBy, FlowServed flow) {
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
     * {@code cpuCores} is the cores each instance reserves on its runner (null: it shares the runner's cores).
     */
    public record DeploymentRow(UUID id, UUID endpointId, String name, UUID modelId, String modelName,
                                UUID modelVersionId, int versionNumber, String task, String artifactUri,
                                int instanceCount, String deviceKind, Integer cpuCores, Limits limits, Instant createdAt,
                                Instant updatedAt, FlowServed flow, Owner owner) {

        /**
         * Whether an instance is one of the deployment as it is now: of its model version and with its CPU cores.
         * The others answer until the current ones are all ready, and are retired then.
         */
        public boolean current(InstanceRow instance) {
            return instance.modelVersionId().equals(modelVersionId) && Objects.equals(instance.cpuCores(), cpuCores);
        }

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

    /**
     * An instance of a deployment on a runner, with where that runner answers, the model version it serves and the
     * CPU cores it reserves there (null: none counted).
     */
    public record InstanceRow(UUID id, UUID deploymentId, UUID modelVersionId, int versionNumber, Integer cpuCores,
                              String workerId, String workerHost, String serveUrl, String state, String reason,
                              String secret, Instant updatedAt) {

        public boolean ready() {
            return "ready".equals(state);
        }
    }

    /**
     * An instance placed on a runner, with what the runner needs to serve it; {@code cpuCores}, when not null, is
     * how many threads its forward passes run on.
     */
    public record Assignment(UUID instanceId, String state, String secret, UUID deploymentId, String task,
                             String artifactUri, String deviceKind, Integer cpuCores, Limits limits) {
    }

    /** Stores a new deployment; false if its endpoint already has one of that name. */
    public static boolean insert(Connection c, NewDeployment d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO deployment (id, endpoint_id, name, model_id, model_version_id, task, artifact_uri,
                                        instance_count, device_kind, cpu_cores, max_concurrent, request_timeout_ms,
                                        max_batch_size, max_batch_delay_ms, created_by, flow_name, flow_version,
                                        flow_definition, flow_variants)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)
                ON CONFLICT (endpoint_id, name) DO NOTHING""")) {
            FlowServed f = d.flow();
            SqlValues.bind(c, ps, Arrays.asList(d.id(), d.endpointId(), d.name(), d.modelId(), d.modelVersionId(),
                    d.task(), d.artifactUri(), d.instanceCount(), d.deviceKind(), d.cpuCores(), d.limits().maxConcurrent(),
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
                       v.version_number, d.task, d.artifact_uri, d.instance_count, d.device_kind, d.cpu_cores,
                       d.max_concurrent,
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
                            SqlValues.integer(rs, "cpu_cores"), limits(rs), SqlValues.instant(rs, "created_at"),
                            SqlValues.instant(rs, "updated_at"),
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
     * A deployment's new settings; its instances of another version or CPU cores are replaced by placement, without a
     * gap. A flow deployment's {@code modelVersionId}, {@code artifactUri} and {@code cpuCores} are null and
     * {@code flow} is what it serves now.
     */
    public record Change(UUID modelVersionId, String artifactUri, int instanceCount, Integer cpuCores, Limits limits,
                         FlowServed flow) {
    }

    /** Changes a deployment's version and settings. */
    public static void update(Connection c, UUID id, Change change) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE deployment SET model_version_id = ?, artifact_uri = ?, instance_count = ?, cpu_cores = ?,
                                      max_concurrent = ?,
                                      request_timeout_ms = ?, max_batch_size = ?, max_batch_delay_ms = ?,
                                      flow_version = ?, flow_definition = ?::jsonb, flow_variants = ?::jsonb,
                                      updated_at = now()
                WHERE id = ?""")) {
            Limits l = change.limits();
            FlowServed f = change.flow();
            SqlValues.bind(c, ps, Arrays.asList(change.modelVersionId(), change.artifactUri(), change.instanceCount(),
                    change.cpuCores(), l.maxConcurrent(), l.requestTimeoutMs(), l.maxBatchSize(), l.maxBatchDelayMs(),
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
                SELECT i.id, i.deployment_id, i.model_version_id, v.version_number, i.cpu_cores, i.worker_id, w.host,
                       w.serve_url, i.state, i.reason, i.secret, i.updated_at
                FROM deployment_instance i JOIN worker w ON w.id = i.worker_id
                     JOIN model_version v ON v.id = i.model_version_id
                WHERE i.deployment_id = ANY (?) ORDER BY i.deployment_id, i.state = 'ready' DESC, i.created_at""")) {
            ps.setArray(1, c.createArrayOf("uuid", deploymentIds.toArray()));
            List<InstanceRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new InstanceRow(SqlValues.uuid(rs, "id"), SqlValues.uuid(rs, "deployment_id"),
                            SqlValues.uuid(rs, "model_version_id"), rs.getInt("version_number"),
                            SqlValues.integer(rs, "cpu_cores"),
                            rs.getString("worker_id"), rs.getString("host"), rs.getString("serve_url"),
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
                       i.cpu_cores, d.max_concurrent, d.request_timeout_ms, d.max_batch_size, d.max_batch_delay_ms
                FROM deployment_instance i JOIN deployment d ON d.id = i.deployment_id
                WHERE i.worker_id = ? ORDER BY i.created_at""")) {
            ps.setString(1, workerId);
            List<Assignment> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Assignment(SqlValues.uuid(rs, "id"), rs.getString("state"), rs.getString("secret"),
                            SqlValues.uuid(rs, "deployment_id"), rs.getString("task"), rs.getString("artifact_uri"),
                            rs.getString("device_kind"), SqlValues.integer(rs, "cpu_cores"), limits(rs)));
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
     * nothing else for a GPU deployment, one with enough cores that no instance reserves for a deployment that counts
     * CPU cores, never two of one deployment on one runner while another runner has none. An instance of another
     * model version or CPU cores than its deployment's is one of an older version. Runs under a transaction-scoped
     * advisory lock: when another catalog service is placing, this pass does nothing.
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
        // Live serving runners with their instance counts, GPUs not yet serving a deployment (a GPU serves one
        // instance, and is not handed to jobs) and cores no instance reserves.
        Map<String, Room> rooms = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT w.id, jsonb_array_length(w.gpus) - count(i.id) FILTER (WHERE d.device_kind = 'gpu') AS free_gpus,
                       w.cpu_cores - coalesce(sum(i.cpu_cores), 0) AS free_cores, count(i.id) AS instances
                FROM worker w LEFT JOIN deployment_instance i ON i.worker_id = w.id
                     LEFT JOIN deployment d ON d.id = i.deployment_id
                WHERE w.serve_url IS NOT NULL AND w.heartbeat_at >= now() - make_interval(secs => ?)
                GROUP BY w.id ORDER BY w.id""")) {
            ps.setDouble(1, deadAfter.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rooms.put(rs.getString("id"), new Room(rs.getInt("instances"), rs.getInt("free_gpus"),
                            rs.getInt("free_cores")));
                }
            }
        }
        // Deployments, and their instances as the deployment is now (current) and as it was (old).
        record Want(UUID id, int count, boolean gpu, Integer cores, UUID version, String artifact, List<UUID> instances,
                    List<String> workers, int ready, List<UUID> old, List<String> oldWorkers, List<Integer> oldCores) {
        }
        List<Want> wants = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT d.id, d.instance_count, d.device_kind, d.cpu_cores, d.model_version_id, d.artifact_uri,
                       coalesce(array_agg(i.id ORDER BY i.state = 'ready', i.state = 'loading', i.created_at DESC)
                                FILTER (WHERE i.current), '{}') AS instances,
                       coalesce(array_agg(i.worker_id ORDER BY i.state = 'ready', i.state = 'loading', i.created_at DESC)
                                FILTER (WHERE i.current), '{}') AS workers,
                       count(i.id) FILTER (WHERE i.current AND i.state = 'ready') AS ready,
                       coalesce(array_agg(i.id) FILTER (WHERE NOT i.current), '{}') AS old,
                       coalesce(array_agg(i.worker_id) FILTER (WHERE NOT i.current), '{}') AS old_workers,
                       coalesce(array_agg(coalesce(i.cpu_cores, 0)) FILTER (WHERE NOT i.current), '{}') AS old_cores
                FROM deployment d LEFT JOIN LATERAL (
                         SELECT i.*, i.model_version_id = d.model_version_id
                                     AND i.cpu_cores IS NOT DISTINCT FROM d.cpu_cores AS current
                         FROM deployment_instance i WHERE i.deployment_id = d.id) i ON true
                WHERE d.flow_name IS NULL
                GROUP BY d.id ORDER BY d.created_at""")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    wants.add(new Want(SqlValues.uuid(rs, "id"), rs.getInt("instance_count"),
                            "gpu".equals(rs.getString("device_kind")), SqlValues.integer(rs, "cpu_cores"),
                            SqlValues.uuid(rs, "model_version_id"),
                            rs.getString("artifact_uri"), Arrays.asList((UUID[]) rs.getArray("instances").getArray()),
                            SqlValues.strings(rs.getArray("workers")), rs.getInt("ready"),
                            Arrays.asList((UUID[]) rs.getArray("old").getArray()),
                            SqlValues.strings(rs.getArray("old_workers")),
                            Arrays.asList((Integer[]) rs.getArray("old_cores").getArray())));
                }
            }
        }
        int added = 0;
        for (Want want : wants) {
            // Extras: the first ones of the list, which are failed, then loading, then the newest ready.
            int reserves = want.cores() == null ? 0 : want.cores();
            for (int i = 0; i < want.instances().size() - want.count(); i++) {
                removed += remove(c, want.id(), want.instances().get(i), want.workers().get(i), rooms, want.gpu(),
                        reserves, "Removed from runner " + want.workers().get(i) + ": the deployment has " + want.count()
                                + " instance(s) now");
            }
            // Instances of an older version or cores keep answering until the current ones are all ready.
            if (want.ready() >= want.count()) {
                for (int i = 0; i < want.old().size(); i++) {
                    removed += remove(c, want.id(), want.old().get(i), want.oldWorkers().get(i), rooms, want.gpu(),
                            want.oldCores().get(i), "Retired from runner " + want.oldWorkers().get(i) + ": it served "
                                    + "an earlier model version or reserved other CPU cores, and every instance of the "
                                    + "deployment as it is now is ready");
                }
            }
            List<String> on = new ArrayList<>(want.workers());
            for (int missing = want.count() - want.instances().size(); missing > 0; missing--) {
                String worker = rooms.keySet().stream()
                        .filter(w -> (!want.gpu() || rooms.get(w).freeGpus > 0) && rooms.get(w).freeCores >= reserves)
                        .min(Comparator.<String>comparingInt(w -> on.contains(w) ? 1 : 0)
                                .thenComparingInt(w -> rooms.get(w).instances))
                        .orElse(null);
                if (worker == null) {
                    break;
                }
                UUID instance = UUID.randomUUID();
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO deployment_instance (id, deployment_id, worker_id, secret, model_version_id, artifact_uri,
                                                         cpu_cores)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                    SqlValues.bind(c, ps, Arrays.asList(instance, want.id(), worker, newSecret(), want.version(),
                            want.artifact(), want.cores()));
                    added += ps.executeUpdate();
                }
                DeploymentLogs.append(c, want.id(), instance, worker, DeploymentLogs.Level.INFO, "Placed on runner "
                        + worker + (want.gpu() ? " (one of its GPUs)" : "")
                        + (want.cores() == null ? "" : " (" + want.cores() + " of its CPU cores)"));
                on.add(worker);
                rooms.get(worker).take(want.gpu(), reserves);
            }
        }
        return new Placed(added, removed);
    }

    /** What a live serving runner has left during a placement pass. */
    private static final class Room {
        private int instances;
        private int freeGpus;
        private int freeCores;

        Room(int instances, int freeGpus, int freeCores) {
            this.instances = instances;
            this.freeGpus = freeGpus;
            this.freeCores = freeCores;
        }

        void take(boolean gpu, int cores) {
            instances++;
            freeGpus -= gpu ? 1 : 0;
            freeCores -= cores;
        }

        void giveBack(boolean gpu, int cores) {
            instances--;
            freeGpus += gpu ? 1 : 0;
            freeCores += cores;
        }
    }

    private static int remove(Connection c, UUID deployment, UUID instance, String worker, Map<String, Room> rooms,
                              boolean gpu, int cores, String why) throws SQLException {
        Room room = rooms.get(worker);
        if (room != null) {
            room.giveBack(gpu, cores);
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
