package io.modelcat.catalog.upload;

import static io.modelcat.testsupport.ModelArchives.aModelArchive;
import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.testsupport.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chunked, resumable uploads: chunks at offsets, a chunk broken off and resumed, commit, refusals, cancel. */
@MicronautTest(transactional = false)
class UploadSessionApiTest extends CatalogTestBase {

    private ApiClient contributor;
    private byte[] archive;

    @BeforeEach
    void prepare() {
        contributor = apiAs(Role.CONTRIBUTOR);
        archive = aModelArchive().from(Fixtures.model("bert")).withReadme("---\nlicense: mit\n---\n# Chunked\n").zip();
    }

    private Map<String, Object> start(String name, long size) {
        ApiClient.Answer started = contributor.post("/api/v1/model-uploads/sessions", Map.of("name", name, "size", size));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        assertThat(started.map()).containsEntry("offset", 0).containsEntry("size", (int) size);
        return started.map();
    }

    private ApiClient.Answer send(ApiClient client, Object id, long offset, byte[] chunk) {
        return client.send(HttpRequest.newBuilder(client.uri("/api/v1/model-uploads/sessions/" + id + "?offset=" + offset))
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)));
    }

    @Test
    void chunksAtTheirOffsetsMakeTheArchiveThatCommitRegisters() {
        Object id = start("acme/chunked", archive.length).get("id");
        int cut = archive.length / 3;
        ApiClient.Answer first = send(contributor, id, 0, Arrays.copyOfRange(archive, 0, cut));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.map()).containsEntry("offset", cut);

        ApiClient.Answer again = send(contributor, id, 0, Arrays.copyOfRange(archive, 0, cut));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.errorFields()).containsExactly("offset");
        assertThat(again.body()).contains("the session has " + cut + " bytes");
        ApiClient.Answer early = contributor.post("/api/v1/model-uploads/sessions/" + id + "/commit", Map.of());
        assertThat(early.status()).as(early.body()).isEqualTo(409);
        assertThat(early.body()).contains(cut + " of its " + archive.length + " bytes");

        assertThat(contributor.get("/api/v1/model-uploads/sessions/" + id).map()).containsEntry("offset", cut)
                .containsEntry("name", "acme/chunked");
        ApiClient.Answer rest = send(contributor, id, cut, Arrays.copyOfRange(archive, cut, archive.length));
        assertThat(rest.map()).containsEntry("offset", archive.length);
        ApiClient.Answer committed = contributor.post("/api/v1/model-uploads/sessions/" + id + "/commit", Map.of());
        assertThat(committed.status()).as(committed.body()).isEqualTo(201);
        assertThat(committed.map()).containsEntry("repoId", "acme/chunked").containsEntry("versionNumber", 1)
                .containsEntry("created", true);
        assertThat(api.get("/api/v1/models/" + committed.map().get("modelId")).map()).containsEntry("license", "mit");
        assertThat(contributor.get("/api/v1/model-uploads/sessions/" + id).status()).isEqualTo(404);
        assertThat(sessions()).isEmpty();
    }

    @Test
    void aChunkThatBreaksOffKeepsWhatArrivedAndTheUploadResumesFromThere() throws Exception {
        Object id = start("acme/resumed", archive.length).get("id");
        URI base = contributor.uri("/");
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH /api/v1/model-uploads/sessions/" + id + "?offset=0 HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + account(Role.CONTRIBUTOR).token() + "\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + archive.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(archive, 0, archive.length / 2);
            out.flush();
            Thread.sleep(500);
        }
        long offset = 0;
        for (int i = 0; i < 50 && offset == 0; i++) {
            Thread.sleep(100);
            offset = ((Number) contributor.get("/api/v1/model-uploads/sessions/" + id).map().get("offset")).longValue();
        }
        assertThat(offset).isPositive().isLessThanOrEqualTo(archive.length / 2);
        assertThat(send(contributor, id, offset, Arrays.copyOfRange(archive, (int) offset, archive.length)).map())
                .containsEntry("offset", archive.length);
        ApiClient.Answer committed = contributor.post("/api/v1/model-uploads/sessions/" + id + "/commit", Map.of());
        assertThat(committed.status()).as(committed.body()).isEqualTo(201);
        assertThat(committed.map()).containsEntry("created", true);
    }

    @Test
    void refusalsNameTheFieldAndARefusedArchiveTakesItsSessionWithIt() {
        ApiClient.Answer noSize = contributor.post("/api/v1/model-uploads/sessions", Map.of("name", "acme/x"));
        assertThat(noSize.status()).isEqualTo(400);
        assertThat(noSize.errorFields()).containsExactly("size");
        ApiClient.Answer badName = contributor.post("/api/v1/model-uploads/sessions", Map.of("name", "x", "size", 10));
        assertThat(badName.errorFields()).containsExactly("name");
        ApiClient.Answer badFormat = contributor.post("/api/v1/model-uploads/sessions",
                Map.of("name", "acme/x", "size", 10, "format", "rar"));
        assertThat(badFormat.errorFields()).containsExactly("format");
        assertThat(contributor.get("/api/v1/model-uploads/sessions/not-an-id").errorFields()).containsExactly("id");

        Object id = start("acme/x", 10).get("id");
        ApiClient.Answer tooLong = send(contributor, id, 0, new byte[11]);
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).contains("goes past the 10 bytes");
        assertThat(contributor.get("/api/v1/model-uploads/sessions/" + id).map()).containsEntry("offset", 0);
        assertThat(send(contributor, id, 0, "not a zip!".getBytes(StandardCharsets.US_ASCII)).status()).isEqualTo(200);
        ApiClient.Answer refused = contributor.post("/api/v1/model-uploads/sessions/" + id + "/commit", Map.of());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorFields()).containsExactly("file");
        assertThat(contributor.get("/api/v1/model-uploads/sessions/" + id).status()).isEqualTo(404);
        assertThat(sessions()).isEmpty();
        assertThat(api.get("/api/v1/models?q=acme").items()).isEmpty();
    }

    @Test
    void aSessionIsItsCreatorsOrAnAdminsAndCancellingRemovesIt() {
        Object id = start("acme/cancelled", archive.length).get("id");
        assertThat(send(contributor, id, 0, Arrays.copyOfRange(archive, 0, 100)).status()).isEqualTo(200);
        assertThat(apiAs(Role.VIEWER).get("/api/v1/model-uploads/sessions/" + id).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/model-uploads/sessions/" + id).map()).containsEntry("offset", 100);
        assertThat(contributor.delete("/api/v1/model-uploads/sessions/" + id).status()).isEqualTo(204);
        assertThat(contributor.get("/api/v1/model-uploads/sessions/" + id).status()).isEqualTo(404);
        assertThat(sessions()).isEmpty();
    }

    private List<Path> sessions() {
        Path dir = home.resolve("models/uploaded/.sessions");
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
