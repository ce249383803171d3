package io.modelcat.catalog.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.testsupport.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Downloads of a file much larger than the socket buffers through /hub, over real HTTP: whole, in ranges, and cut off
 * by a client that hangs up halfway (the server must let go of the file).
 */
@MicronautTest(transactional = false)
class HubDownloadTest extends CatalogTestBase {

    private static final String WEIGHTS = "/hub/modelcat/big-weights/resolve/main/model.safetensors";

    private byte[] weights;
    private Path file;
    private ApiClient contributor;

    @BeforeEach
    void registerAModelWithLargeWeights() throws IOException {
        Path folder = home.resolve("big-weights");
        file = folder.resolve("model.safetensors");
        if (weights == null) {
            weights = new byte[40 * 1024 * 1024 + 7];
            new Random(18).nextBytes(weights);
            Files.createDirectories(folder);
            Files.copy(Fixtures.model("bert").resolve("config.json"), folder.resolve("config.json"));
            Files.write(file, weights);
        }
        Map<String, Object> card = create(aModel("Big weights"));
        ApiClient.Answer version = api.post("/api/v1/models/" + card.get("id") + "/versions",
                Map.of("artifactUri", folder.toUri().toString()));
        assertThat(version.status()).as(version.body()).isEqualTo(201);
        contributor = apiAs(Role.CONTRIBUTOR);
    }

    @Test
    void wholeFilesAndRangesArriveByteForByteWithTheirHeaders() throws Exception {
        ApiClient.Answer whole = send("GET", null);
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.header("Content-Length")).isEqualTo(String.valueOf(weights.length));
        assertThat(bytes(whole)).isEqualTo(weights);
        assertThat(whole.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(whole.header("X-Linked-Size")).isEqualTo(String.valueOf(weights.length));
        assertThat(whole.header("X-Linked-Etag")).isEqualTo(whole.header("ETag")).matches("\"[0-9a-f]{64}\"");
        assertThat(whole.header("X-Repo-Commit")).matches("[0-9a-f]{40}");
        assertThat(whole.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(whole.header("Last-Modified")).isEqualTo(DateTimeFormatter.RFC_1123_DATE_TIME
                .format(Files.getLastModifiedTime(file).toInstant().atOffset(ZoneOffset.UTC).withNano(0)));
        assertThat(whole.header("Cache-Control")).isNotBlank();
        // Internal marks between the body writer and the connection never reach the client.
        assertThat(whole.headers().keySet()).noneMatch(name -> name.toLowerCase().startsWith("x-modelcat"));

        // On the same (kept-alive) connection: ranges well inside the file, across most of it, and its tail.
        int first = 10_000_001;
        int last = 30_000_000;
        ApiClient.Answer middle = send("GET", "bytes=" + first + "-" + last);
        assertThat(middle.status()).isEqualTo(206);
        assertThat(middle.header("Content-Range")).isEqualTo("bytes " + first + "-" + last + "/" + weights.length);
        assertThat(middle.header("Content-Length")).isEqualTo(String.valueOf(last - first + 1));
        assertThat(bytes(middle)).isEqualTo(Arrays.copyOfRange(weights, first, last + 1));
        assertThat(middle.header("ETag")).isEqualTo(whole.header("ETag"));
        assertThat(middle.header("X-Repo-Commit")).isEqualTo(whole.header("X-Repo-Commit"));
        ApiClient.Answer rest = send("GET", "bytes=" + (weights.length - 3_000_000) + "-");
        assertThat(rest.status()).isEqualTo(206);
        assertThat(bytes(rest)).isEqualTo(Arrays.copyOfRange(weights, weights.length - 3_000_000, weights.length));
        ApiClient.Answer tail = send("GET", "bytes=-1");
        assertThat(bytes(tail)).containsExactly(weights[weights.length - 1]);
        assertThat(send("GET", "bytes=" + weights.length + "-").status()).isEqualTo(416);

        // As Micronaut answers for files: not modified since the second of its Last-Modified.
        ApiClient.Answer unchanged = contributor.sendBytes(HttpRequest.newBuilder(contributor.uri(WEIGHTS))
                .header("If-Modified-Since", whole.header("Last-Modified")));
        assertThat(unchanged.status()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertThat(unchanged.header("ETag")).isEqualTo(whole.header("ETag"));

        ApiClient.Answer head = send("HEAD", "bytes=5-9");
        assertThat(head.status()).isEqualTo(206);
        assertThat(head.header("Content-Length")).isEqualTo("5");
        assertThat(head.body()).isEmpty();
        // Each GET is an audited download (the 416 and the 304 included, as before); the HEAD is not.
        assertThat(api.get("/api/v1/audit?action=model.download").items()).hasSize(6);
    }

    @Test
    void aClientThatHangsUpHalfwayLeavesNoFileOpen() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc to see the server's open files");
        assertThat(openHandles(file)).isZero();
        URI uri = contributor.uri(WEIGHTS);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\nAuthorization: Bearer "
                    + account(Role.CONTRIBUTOR).token() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            while (received.size() < 1024 * 1024) {
                int n = in.read(buffer);
                assertThat(n).as("the server ended the answer early").isPositive();
                received.write(buffer, 0, n);
            }
            assertThat(new String(received.toByteArray(), 0, 12, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            // 1 MiB of 40 arrived: the rest is still being sent from the open file.
            assertThat(openHandles(file)).isPositive();
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (openHandles(file) > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(openHandles(file)).as("open handles of the file after the client left").isZero();
        // The server goes on serving.
        assertThat(bytes(send("GET", "bytes=0-99"))).isEqualTo(Arrays.copyOf(weights, 100));
    }

    private ApiClient.Answer send(String method, String range) {
        HttpRequest.Builder request = HttpRequest.newBuilder(contributor.uri(WEIGHTS))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (range != null) {
            request.header("Range", range);
        }
        return contributor.sendBytes(request);
    }

    private static byte[] bytes(ApiClient.Answer answer) {
        return answer.body().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** How many of this JVM's (the server's) file descriptors are open on {@code file}. */
    private static long openHandles(Path file) throws IOException {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed while listing, or not a link
                }
            }).count();
        }
    }
}
