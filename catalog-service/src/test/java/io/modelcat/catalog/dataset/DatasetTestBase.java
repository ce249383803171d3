package io.modelcat.catalog.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;

/** Dataset tests: a private datasets folder per class, the dataset table emptied before each test, raw uploads. */
abstract class DatasetTestBase extends CatalogTestBase {

    Path datasetsDir() {
        return home.resolve("datasets");
    }

    @BeforeEach
    void emptyDatasets() throws IOException {
        deleteTree(datasetsDir());
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
        return api.upload("/api/v1/datasets" + query, contentType, content, withLength);
    }

    ApiClient.Answer send(java.net.http.HttpRequest.Builder request) {
        return api.send(request);
    }

    URI uri(String path) {
        return api.uri(path);
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
