package io.modelcat.store.batch;

import io.modelcat.store.SqlValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code batch_endpoint}, {@code batch_deployment} and {@code batch_job} tables: batch endpoints, the
 * model versions their deployments score with, and the scoring jobs each endpoint ran (docs/deployments.md).
 */
public final class BatchEndpoints {

    private BatchEndpoints() {
    }

    /** A batch endpoint as stored. */
    public record EndpointRow(UUID id, String name, String description, String defaultDeployment, String createdBy,
                              Instant createdAt, Instant updatedAt) {
    }

    /** A new deployment of one model version, scored by {@code instanceCount} runners at once. */
    public record NewDeployment(UUID id, UUID endpointId, String name, UUID modelId, UUID modelVersionId, String task,
                                int instanceCount, UUID createdBy) {
    }

    /** A deployment as stored, with its model's name and version number. */
    public record DeploymentRow(UUID id, UUID endpointId, String name, UUID modelId, String modelName,
                                UUID modelVersionId, int versionNumber, String task, int instanceCount,
                                Instant createdAt) {
    }

    /** A scoring job of an endpoint, and the deployment it ran. */
    public record JobLink(UUID jobId, UUID endpointId, String deploymentName, Instant createdAt) {
    }

    private static final String SELECT_ENDPOINT = """
            SELECT e.id, e.name, e.description, e.default_deployment, u.username AS created_by, e.created_at,
                   e.updated_at
            FROM batch_endpoint e LEFT JOIN app_user u ON u.id = e.created_by""";

    /** Stores a new endpoint; false if the name is taken. */
    public static boolean insert(Connection c, UUID id, String name, String description, UUID createdBy)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO batch_endpoint (id, name, description, created_by) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO NOTHING""")) {
            SqlValues.bind(c, ps, Arrays.asList(id, name, description, createdBy));
            return ps.executeUpdate() == 1;
        }
    }

    public static Optional<EndpointRow> byName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_ENDPOINT + " WHERE e.name = ?")) {
            ps.setString(1, name);
            return readEndpoints(ps).stream().findFirst();
        }
    }

    /** Every batch endpoint, by name. */
    public static List<EndpointRow> all(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_ENDPOINT + " ORDER BY e.name")) {
            return readEndpoints(ps);
        }
    }

    /** Locks an endpoint's row until the transaction ends, so that changes to its deployments serialise. */
    public static Optional<EndpointRow> lock(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM batch_endpoint WHERE name = ? FOR UPDATE")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
            }
        }
        return byName(c, name);
    }

    /** Deletes an endpoint with its deployments and its links to jobs (the jobs stay); false if there was none. */
    public static boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM batch_endpoint WHERE id = ?")) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Names the default deployment (null for none). */
    public static void setDefault(Connection c, UUID id, String deployment) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE batch_endpoint SET default_deployment = ?, updated_at = now() WHERE id = ?")) {
            ps.setString(1, deployment);
            ps.setObject(2, id);
            ps.executeUpdate();
        }
    }

    /** Stores a new deployment; false if its endpoint already has one of that name. */
    public static boolean insertDeployment(Connection c, NewDeployment d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO batch_deployment (id, endpoint_id, name, model_id, model_version_id, task, instance_count,
                                              created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint_id, name) DO NOTHING""")) {
            SqlValues.bind(c, ps, Arrays.asList(d.id(), d.endpointId(), d.name(), d.modelId(), d.modelVersionId(),
                    d.task(), d.instanceCount(), d.createdBy()));
            return ps.executeUpdate() == 1;
        }
    }

    /** Changes a deployment's model version (of its model) and instance count. */
    public static void updateDeployment(Connection c, UUID id, UUID modelVersionId, int instanceCount) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE batch_deployment SET model_version_id = ?, instance_count = ? WHERE id = ?")) {
            ps.setObject(1, modelVersionId);
            ps.setInt(2, instanceCount);
            ps.setObject(3, id);
            ps.executeUpdate();
        }
    }

    /** The deployments of the given endpoints, by endpoint and name. */
    public static List<DeploymentRow> deployments(Connection c, List<UUID> endpointIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT d.id, d.endpoint_id, d.name, d.model_id, m.name AS model_name, d.model_version_id,
                       v.version_number, d.task, d.instance_count, d.created_at
                FROM batch_deployment d JOIN model m ON m.id = d.model_id
                     JOIN model_version v ON v.id = d.model_version_id
                WHERE d.endpoint_id = ANY (?) ORDER BY d.endpoint_id, d.name""")) {
            ps.setArray(1, c.createArrayOf("uuid", endpointIds.toArray()));
            List<DeploymentRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new DeploymentRow(SqlValues.uuid(rs, "id"), SqlValues.uuid(rs, "endpoint_id"),
                            rs.getString("name"), SqlValues.uuid(rs, "model_id"), rs.getString("model_name"),
                            SqlValues.uuid(rs, "model_version_id"), rs.getInt("version_number"), rs.getString("task"),
                            rs.getInt("instance_count"), SqlValues.instant(rs, "created_at")));
                }
            }
            return rows;
        }
    }

    /** Deletes a deployment; false if there was none. Its jobs keep the deployment's name. */
    public static boolean deleteDeployment(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM batch_deployment WHERE id = ?")) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Records that {@code jobId} scores for the endpoint with the named deployment. */
    public static void linkJob(Connection c, UUID jobId, UUID endpointId, String deploymentName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO batch_job (job_id, endpoint_id, deployment_name) VALUES (?, ?, ?)")) {
            SqlValues.bind(c, ps, Arrays.asList(jobId, endpointId, deploymentName));
            ps.executeUpdate();
        }
    }

    /** An endpoint's jobs, newest first, at most {@code limit}. */
    public static List<JobLink> jobs(Connection c, UUID endpointId, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT job_id, endpoint_id, deployment_name, created_at FROM batch_job
                WHERE endpoint_id = ? ORDER BY created_at DESC, job_id LIMIT ?""")) {
            ps.setObject(1, endpointId);
            ps.setInt(2, limit);
            return readLinks(ps);
        }
    }

    /** The link of one job to the endpoint, if the job is one of its. */
    public static Optional<JobLink> job(Connection c, UUID endpointId, UUID jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT job_id, endpoint_id, deployment_name, created_at FROM batch_job
                WHERE endpoint_id = ? AND job_id = ?""")) {
            ps.setObject(1, endpointId);
            ps.setObject(2, jobId);
            return readLinks(ps).stream().findFirst();
        }
    }

    private static List<JobLink> readLinks(PreparedStatement ps) throws SQLException {
        List<JobLink> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new JobLink(SqlValues.uuid(rs, "job_id"), SqlValues.uuid(rs, "endpoint_id"),
                        rs.getString("deployment_name"), SqlValues.instant(rs, "created_at")));
            }
        }
        return rows;
    }

    private static List<EndpointRow> readEndpoints(PreparedStatement ps) throws SQLException {
        List<EndpointRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new EndpointRow(SqlValues.uuid(rs, "id"), rs.getString("name"), rs.getString("description"),
                        rs.getString("default_deployment"), rs.getString("created_by"),
                        SqlValues.instant(rs, "created_at"), SqlValues.instant(rs, "updated_at")));
            }
        }
        return rows;
    }
}
