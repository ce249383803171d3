package io.modelcat.catalog.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.jobinput.MlJobTestBase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** GET /api/v1/models/{id}/versions/{n}/archive through real HTTP: the zip's entries and the refusals. */
@MicronautTest(transactional = false)
class ModelArchiveTest extends MlJobTestBase {

    @Test
    void zipsTheArtifactFolderWithoutFollowingLinksOutOfIt() throws Exception {
        ImportedModel model = importedModel("bert", "text-classification", List.of(), "mit");
        Path dir = model.artifacts();
        byte[] weights = new byte[300_000];
        new Random(1).nextBytes(weights);
        Files.write(dir.resolve("model.safetensors"), weights);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/tokenizer.json"), "{\"tokens\": []}");
        Path outside = Files.writeString(home.resolve("secret.txt"), "not yours");
        Files.createSymbolicLink(dir.resolve("leak.txt"), outside);
        Files.createSymbolicLink(dir.resolve("alias.json"), dir.resolve("config.json"));

        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(embeddedServer.getURI()
                        .resolve("/api/v1/models/" + model.id() + "/versions/1/archive"))
                        .header("Authorization", "Bearer " + account(Role.ADMIN).token()).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/zip");
        assertThat(response.headers().firstValue("Content-Disposition").orElse(""))
                .isEqualTo("attachment; filename=\"bert-v1.zip\"");
        // Streamed in chunks as it is written, not assembled in memory first.
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        Map<String, byte[]> entries = unzip(response.body());
        assertThat(entries.keySet()).containsExactly("alias.json", "config.json", "model.safetensors", "sub/tokenizer.json");
        assertThat(entries.get("model.safetensors")).isEqualTo(weights);
        assertThat(new String(entries.get("sub/tokenizer.json"), StandardCharsets.UTF_8)).isEqualTo("{\"tokens\": []}");
        assertThat(new String(entries.get("alias.json"), StandardCharsets.UTF_8)).isEqualTo("{\"model_type\": \"bert\"}");
    }

    @Test
    void saysWhyThereIsNothingToExport() {
        ImportedModel model = importedModel("bert", "text-classification", List.of(), "mit");
        api.post("/api/v1/models/" + model.id() + "/versions", Map.of("notes", "no files"));
        api.post("/api/v1/models/" + model.id() + "/versions", Map.of("artifactUri", "s3://bucket/model"));
        api.post("/api/v1/models/" + model.id() + "/versions", Map.of("artifactUri", home.resolve("gone").toUri().toString()));

        assertStatus("/api/v1/models/" + model.id() + "/versions/2/archive", 409, "has no files");
        assertStatus("/api/v1/models/" + model.id() + "/versions/3/archive", 409, "only file: artifacts can be exported");
        assertStatus("/api/v1/models/" + model.id() + "/versions/4/archive", 409, "does not exist");
        assertStatus("/api/v1/models/" + model.id() + "/versions/9/archive", 404, "has no version 9");
        assertStatus("/api/v1/models/" + UUID.randomUUID() + "/versions/1/archive", 404, "no model has id");
    }

    private void assertStatus(String path, int status, String message) {
        ApiClient.Answer answer = api.get(path);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat((String) answer.map().get("detail")).contains(message);
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }
}
