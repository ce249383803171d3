package io.modelcat.catalog.jobinput;

import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.testsupport.TestDatabase;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Evaluate, fine-tune, metrics and register tests: a private MODELCAT_HOME per class, models with imported
 * versions, uploaded datasets, and plain SQL for the rows a runner would write (test data, not mocks).
 */
public abstract class MlJobTestBase extends CatalogTestBase {

    @Inject
    protected EmbeddedServer embeddedServer;

    @Inject
    protected JsonMapper jsonMapper;

    /** For answers that ApiClient does not read as text (zip archives, headers of downloads). */
    protected final HttpClient http = HttpClient.newHttpClient();

    /** A model card with one version whose files are a folder under the test home (as an import leaves it). */
    protected ImportedModel importedModel(String name, String task, List<String> finetuningTasks, String license) {
        Map<String, Object> body = aModel(name);
        body.put("task", task);
        body.put("finetuningTasks", finetuningTasks);
        body.put("license", license);
        String id = (String) create(body).get("id");
        Path artifacts = home.resolve("models").resolve(name);
        try {
            Files.createDirectories(artifacts);
            Files.writeString(artifacts.resolve("config.json"), "{\"model_type\": \"bert\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String uri = artifacts.toUri().toString();
        ApiClient.Answer version = api.post("/api/v1/models/" + id + "/versions", Map.of("artifactUri", uri));
        if (version.status() != 201) {
            throw new AssertionError("version failed: " + version);
        }
        return new ImportedModel(id, (String) version.map().get("id"), uri, artifacts);
    }

    /** A model and its version with files. */
    protected record ImportedModel(String id, String versionId, String artifactUri, Path artifacts) {
    }

    /** Uploads a dataset and answers its id. */
    protected String dataset(String name, String contentType, String content) {
        ApiClient.Answer answer = api.upload("/api/v1/datasets?name=" + name, contentType,
                content.getBytes(StandardCharsets.UTF_8), true);
        if (answer.status() != 201) {
            throw new AssertionError("upload failed: " + answer);
        }
        return (String) answer.map().get("id");
    }

    protected String reviews() {
        return dataset("reviews.csv", "text/csv", "review,stars\n\"great, really\",5\nmeh,2\n");
    }

    /** Rows of a query, each column by name (jsonb as text). */
    protected List<Map<String, Object>> query(String sql, Object... args) {
        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs an insert or update with parameters; strings bound to jsonb columns need {@code ?::jsonb}. */
    protected void execute(String sql, Object... args) {
        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    protected static UUID uuid(Object id) {
        return UUID.fromString(String.valueOf(id));
    }
}
