package io.modelcat.catalog.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.testsupport.TestDatabase;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/** Dataset tests: a private datasets folder per class, the dataset table emptied before each test, raw uploads. */
abstract class DatasetTestBase extends CatalogTestBase {

    @Inject
    EmbeddedServer embeddedServer;

    @Inject
    JsonMapper jsonMapper;

    final Path home = createHome();
    final HttpClient http = HttpClient.newHttpClient();

    private static Path createHome() {
        try {
            return Files.createTempDirectory("modelcat-datasets-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        properties.put("modelcat.home", home.toString());
        return properties;
    }

    Path datasetsDir() {
        return home.resolve("datasets");
    }

    @BeforeEach
    void emptyDatasets() throws IOException {
        // TestDatabase.truncateAll does not know the dataset table (yet).
        TestDatabase.shared().executeHere("DELETE FROM dataset");
        deleteTree(datasetsDir());
    }

    @AfterAll
    void removeHome() throws IOException {
        deleteTree(home);
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    ApiClient.Answer upload(String query, String contentType, String content) {
        return upload(query, contentType, content.getBytes(StandardCharsets.UTF_8), true);
    }

    /** Sends a raw body; {@code withLength} false sends it chunked, without a Content-Length. */
    ApiClient.Answer upload(String query, String contentType, byte[] content, boolean withLength) {
        HttpRequest.BodyPublisher body = withLength ? HttpRequest.BodyPublishers.ofByteArray(content)
                : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(content));
        return send(HttpRequest.newBuilder(embeddedServer.getURI().resolve("/api/v1/datasets" + query))
                .header("Content-Type", contentType).POST(body));
    }

    ApiClient.Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new ApiClient.Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), jsonMapper);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return embeddedServer.getURI().resolve(path);
    }

    /** The files under the datasets folder, temporary ones included. */
    List<Path> storedFiles() throws IOException {
        if (!Files.exists(datasetsDir())) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(datasetsDir())) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }

    void assertNothingKept() throws IOException {
        assertThat(storedFiles()).as("files left behind").isEmpty();
        assertThat(api.get("/api/v1/datasets").items()).as("rows left behind").isEmpty();
    }
}
