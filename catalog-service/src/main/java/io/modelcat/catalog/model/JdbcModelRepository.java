package io.modelcat.catalog.model;

import io.micronaut.core.type.Argument;
import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.store.Cursor;
import io.modelcat.store.DatabaseErrors;
import io.modelcat.store.job.Jobs;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** PostgreSQL storage of model cards, with the list, filter and search queries written by hand. */
@Singleton
final class JdbcModelRepository implements ModelRepository {

    private static final String CARD_COLUMNS = """
            m.id, m.name, m.publisher, m.description, m.task, m.finetuning_tasks, m.license, m.tags,
            m.library, m.architecture, m.samples::text AS samples, m.source_type, m.source_repo,
            m.source_revision, m.status, m.status_message, m.created_at, m.updated_at, m.lock_version,
            v.id AS v_id, v.version_number AS v_number, v.source_revision AS v_source_revision,
            v.artifact_uri AS v_artifact_uri, v.parent_version_id AS v_parent, v.lineage::text AS v_lineage,
            v.notes AS v_notes, v.created_at AS v_created_at,
            (SELECT count(*) FROM model_version c WHERE c.model_id = m.id) AS version_count""";
    private static final String LATEST_VERSION_JOIN = """
            LEFT JOIN LATERAL (SELECT * FROM model_version mv WHERE mv.model_id = m.id
                               ORDER BY mv.version_number DESC LIMIT 1) v ON true""";
    private static final String VERSION_COLUMNS =
            "id, model_id, version_number, source_revision, artifact_uri, parent_version_id, lineage::text AS lineage, notes, created_at";

    private final TransactionOperations<Connection> tx;
    // Reads run on an auto-commit connection: one round trip per query, no BEGIN and COMMIT around it.
    private final ConnectionOperations<Connection> reads;
    private final JsonMapper json;

    JdbcModelRepository(TransactionOperations<Connection> tx, ConnectionOperations<Connection> reads, JsonMapper json) {
        this.tx = tx;
        this.reads = reads;
        this.json = json;
    }

    @Override
    public ModelCard insert(UUID id, ModelDraft draft) {
        return tx.executeWrite(status -> {
            Connection c = status.getConnection();
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO model (id, name, publisher, description, task, finetuning_tasks, license, tags,
                                       library, architecture, samples, source_type, source_repo, source_revision)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)""")) {
                ps.setObject(1, id);
                bindDraft(c, ps, 2, draft);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw translate(e);
            }
            return findIn(c, id).orElseThrow();
        });
    }

    @Override
    public Optional<ModelCard> find(UUID id) {
        return reads.executeRead(status -> findIn(status.getConnection(), id));
    }

    @Override
    public Optional<ModelCard> update(UUID id, long expectedVersion, ModelDraft draft) {
        return tx.executeWrite(status -> {
            Connection c = status.getConnection();
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE model SET name = ?, publisher = ?, description = ?, task = ?, finetuning_tasks = ?,
                                     license = ?, tags = ?, library = ?, architecture = ?, samples = ?::jsonb,
                                     source_type = ?, source_repo = ?, source_revision = ?,
                                     updated_at = now(), lock_version = lock_version + 1
                    WHERE id = ? AND lock_version = ?""")) {
                int next = bindDraft(c, ps, 1, draft);
                ps.setObject(next, id);
                ps.setLong(next + 1, expectedVersion);
                if (ps.executeUpdate() == 0) {
                    return Optional.<ModelCard>empty();
                }
            } catch (SQLException e) {
                throw translate(e);
            }
            return findIn(c, id);
        });
    }

    @Override
    public Optional<UUID> markImporting(String repoId) {
        return tx.executeWrite(status -> {
            try (PreparedStatement ps = status.getConnection().prepareStatement("""
                    UPDATE model SET status = CASE WHEN status = 'ready' THEN status ELSE 'importing' END,
                                     status_message = NULL, updated_at = now()
                    WHERE source_type = 'huggingface' AND lower(source_repo) = lower(?)
                    RETURNING id""")) {
                ps.setString(1, repoId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.<UUID>empty();
                }
            } catch (SQLException e) {
                throw translate(e);
            }
        });
    }

    @Override
    public DeleteOutcome deleteUnlessInUse(UUID id) {
        return tx.executeWrite(status -> {
            Connection c = status.getConnection();
            try {
                // Lock the card first: a job submitted concurrently must either be seen here or fail its
                // foreign key check after the delete, never slip in between.
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM model WHERE id = ? FOR UPDATE")) {
                    ps.setObject(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return DeleteOutcome.NOT_FOUND;
                        }
                    }
                }
                if (Jobs.anyActiveFor(c, id)) {
                    return DeleteOutcome.IN_USE;
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM model WHERE id = ?")) {
                    ps.setObject(1, id);
                    ps.executeUpdate();
                }
                return DeleteOutcome.DELETED;
            } catch (SQLException e) {
                throw translate(e);
            }
        });
    }

    @Override
    public ModelPage list(ModelQuery query) {
        return reads.executeRead(status -> {
            Connection c = status.getConnection();
            try {
                List<ModelCard> items = new ArrayList<>();
                String lastKey = null;
                boolean more = false;
                SqlFilter page = SqlFilter.of(query, null);
                ModelSort sort = query.sort();
                String key = sort == ModelSort.RELEVANCE ? sort.keyExpression().formatted("q.query") : sort.keyExpression();
                StringBuilder sql = new StringBuilder(page.with())
                        .append("SELECT ").append(CARD_COLUMNS).append(", (").append(key).append(")::text AS sort_key")
                        .append(" FROM model m ").append(page.from()).append(' ').append(LATEST_VERSION_JOIN)
                        .append(" WHERE ").append(page.where());
                List<Object> params = new ArrayList<>(page.params());
                String direction = sort.descending() ? "DESC" : "ASC";
                if (query.after() != null) {
                    sql.append(" AND (").append(key).append(", m.id) ").append(sort.descending() ? "<" : ">")
                            .append(" (CAST(? AS ").append(sort.keyType()).append("), ?)");
                    params.add(query.after().key());
                    params.add(query.after().uuid().orElseThrow());
                }
                sql.append(" ORDER BY ").append(key).append(' ').append(direction).append(", m.id ").append(direction)
                        .append(" LIMIT ").append(query.limit() + 1);
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    bindAll(c, ps, params);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (items.size() == query.limit()) {
                                more = true;
                                break;
                            }
                            items.add(readCard(rs));
                            lastKey = rs.getString("sort_key");
                        }
                    }
                }
                String next = more ? Cursor.of(sort.wireName(), lastKey, items.get(items.size() - 1).id()).encode() : null;
                return new ModelPage(items, next, null, null);
            } catch (SQLException e) {
                throw translate(e);
            }
        });
    }

    @Override
    public ModelPage.Facets facets(ModelQuery query) {
        return reads.executeRead(status -> {
            Connection c = status.getConnection();
            try {
                return new ModelPage.Facets(facet(c, query, "task", "m.task"),
                        facet(c, query, "finetuningTask", "unnest(m.finetuning_tasks)"),
                        facet(c, query, "license", "m.license"));
            } catch (SQLException e) {
                throw translate(e);
            }
        });
    }

    private Map<String, Long> facet(Connection c, ModelQuery query, String dimension, String valueExpression)
            throws SQLException {
        SqlFilter filter = SqlFilter.of(query, dimension);
        String sql = filter.with() + "SELECT " + valueExpression + " AS value, count(*) AS n FROM model m "
                + filter.from() + " WHERE " + filter.where() + " GROUP BY 1 ORDER BY 2 DESC, 1";
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAll(c, ps, filter.params());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString("value"), rs.getLong("n"));
                }
            }
        }
        return counts;
    }

    @Override
    public List<ModelVersion> versions(UUID modelId) {
        return reads.executeRead(status -> {
            try (PreparedStatement ps = status.getConnection().prepareStatement(
                    "SELECT " + VERSION_COLUMNS + " FROM model_version WHERE model_id = ? ORDER BY version_number")) {
                ps.setObject(1, modelId);
                List<ModelVersion> versions = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        versions.add(readVersion(rs, ""));
                    }
                }
                return versions;
            } catch (SQLException e) {
                throw translate(e);
            }
        });
    }

    @Override
    public Optional<ModelVersion> addVersion(UUID modelId, NewVersion version) {
        return tx.executeWrite(status -> {
            Connection c = status.getConnection();
            try {
                // The row lock serialises concurrent additions, so version numbers never collide.
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM model WHERE id = ? FOR UPDATE")) {
                    ps.setObject(1, modelId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.<ModelVersion>empty();
                        }
                    }
                }
                if (version.parentVersionId() != null && !versionExists(c, version.parentVersionId())) {
                    throw new InvalidFieldException("parentVersionId", "no model version has id " + version.parentVersionId());
                }
                UUID id = UUID.randomUUID();
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO model_version (id, model_id, version_number, source_revision, artifact_uri,
                                                   parent_version_id, lineage, notes)
                        SELECT ?, ?, coalesce(max(version_number), 0) + 1, ?, ?, ?, ?::jsonb, ?
                        FROM model_version WHERE model_id = ?""")) {
                    ps.setObject(1, id);
                    ps.setObject(2, modelId);
                    ps.setString(3, version.sourceRevision());
                    ps.setString(4, version.artifactUri());
                    ps.setObject(5, version.parentVersionId());
                    ps.setString(6, toJson(version.lineage()));
                    ps.setString(7, version.notes());
                    ps.setObject(8, modelId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        UPDATE model SET updated_at = now(), lock_version = lock_version + 1,
                               status = CASE WHEN ? THEN 'ready' ELSE status END
                        WHERE id = ?""")) {
                    ps.setBoolean(1, version.artifactUri() != null);
                    ps.setObject(2, modelId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT " + VERSION_COLUMNS + " FROM model_version WHERE id = ?")) {
                    ps.setObject(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return Optional.of(readVersion(rs, ""));
                    }
                }
            } catch (SQLException e) {
                throw translate(e);
            }
        });
    }

    private static boolean versionExists(Connection c, UUID versionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM model_version WHERE id = ?")) {
            ps.setObject(1, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private Optional<ModelCard> findIn(Connection c, UUID id) {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + CARD_COLUMNS + " FROM model m " + LATEST_VERSION_JOIN + " WHERE m.id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readCard(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private int bindDraft(Connection c, PreparedStatement ps, int first, ModelDraft d) throws SQLException {
        int i = first;
        ps.setString(i++, d.name());
        ps.setString(i++, d.publisher());
        ps.setString(i++, d.description());
        ps.setString(i++, d.task());
        ps.setArray(i++, c.createArrayOf("text", d.finetuningTasks().toArray()));
        ps.setString(i++, d.license());
        ps.setArray(i++, c.createArrayOf("text", d.tags().toArray()));
        ps.setString(i++, d.library());
        ps.setString(i++, d.architecture());
        ps.setString(i++, toJson(d.samples()));
        ps.setString(i++, d.sourceType());
        ps.setString(i++, d.sourceRepo());
        ps.setString(i++, d.sourceRevision());
        return i;
    }

    private static void bindAll(Connection c, PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof List<?> list) {
                ps.setArray(i + 1, c.createArrayOf("text", list.toArray()));
            } else if (p instanceof String s) {
                ps.setString(i + 1, s);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    private ModelCard readCard(ResultSet rs) throws SQLException {
        UUID versionId = rs.getObject("v_id", UUID.class);
        ModelVersion latest = versionId == null ? null : readVersion(rs, "v_");
        return new ModelCard(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("publisher"),
                rs.getString("description"),
                rs.getString("task"),
                strings(rs.getArray("finetuning_tasks")),
                rs.getString("license"),
                strings(rs.getArray("tags")),
                rs.getString("library"),
                rs.getString("architecture"),
                fromJson(rs.getString("samples"), Argument.listOf(ModelSample.class)),
                new ModelCard.Source(rs.getString("source_type"), rs.getString("source_repo"),
                        rs.getString("source_revision")),
                rs.getString("status"),
                rs.getString("status_message"),
                latest,
                rs.getInt("version_count"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                rs.getLong("lock_version"));
    }

    private ModelVersion readVersion(ResultSet rs, String prefix) throws SQLException {
        boolean joined = !prefix.isEmpty();
        Timestamp created = rs.getTimestamp(prefix + "created_at");
        return new ModelVersion(
                rs.getObject(joined ? "v_id" : "id", UUID.class),
                rs.getObject(joined ? "id" : "model_id", UUID.class),
                rs.getInt(joined ? "v_number" : "version_number"),
                rs.getString(prefix + "source_revision"),
                rs.getString(prefix + "artifact_uri"),
                rs.getObject(joined ? "v_parent" : "parent_version_id", UUID.class),
                fromJson(rs.getString(prefix + "lineage"), Argument.mapOf(String.class, Object.class)),
                rs.getString(prefix + "notes"),
                created.toInstant());
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T fromJson(String text, Argument<T> type) {
        try {
            return json.readValue(text, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RuntimeException translate(SQLException e) {
        if ("23505".equals(e.getSQLState())) {
            return new ConflictException("a model card for this source repository already exists");
        }
        return DatabaseErrors.translate(e);
    }

    /** The WHERE clause of a list request, optionally leaving out one filter (for that filter's facet). */
    private record SqlFilter(String with, String from, String where, List<Object> params) {

        static SqlFilter of(ModelQuery q, String excludedDimension) {
            List<String> clauses = new ArrayList<>();
            List<Object> params = new ArrayList<>();
            String with = "";
            String from = "";
            if (q.textQuery() != null) {
                with = "WITH q AS (SELECT to_tsquery('simple', ?) AS query) ";
                from = "CROSS JOIN q";
                params.add(q.textQuery());
                clauses.add("m.search_vector @@ q.query");
            }
            if (!q.tasks().isEmpty() && !"task".equals(excludedDimension)) {
                clauses.add(oneOf("m.task", q.tasks(), params));
            }
            if (!q.finetuningTasks().isEmpty() && !"finetuningTask".equals(excludedDimension)) {
                clauses.add("m.finetuning_tasks && CAST(? AS text[])");
                params.add(q.finetuningTasks());
            }
            if (!q.licenses().isEmpty() && !"license".equals(excludedDimension)) {
                clauses.add(oneOf("m.license", q.licenses(), params));
            }
            if (!q.tags().isEmpty()) {
                clauses.add("m.tags && CAST(? AS text[])");
                params.add(q.tags());
            }
            String where = clauses.isEmpty() ? "true" : String.join(" AND ", clauses);
            return new SqlFilter(with, from, where, params);
        }

        /** {@code column = ?} for one value, so that an index on the column also gives the sort order. */
        private static String oneOf(String column, List<String> values, List<Object> params) {
            if (values.size() == 1) {
                params.add(values.get(0));
                return column + " = ?";
            }
            params.add(values);
            return column + " = ANY (?)";
        }
    }
}
