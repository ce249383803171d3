package io.modelcat.catalog.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Uploads over modelcat.datasets.max-size answer 413 and leave nothing behind, with or without a
 * Content-Length; more rows than modelcat.datasets.max-rows answer 400 naming the limit.
 */
@MicronautTest(transactional = false)
class DatasetSizeLimitTest extends DatasetTestBase {

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        properties.put("modelcat.datasets.max-size", "4KB");
        properties.put("modelcat.datasets.max-rows", "500");
        return properties;
    }

    private static byte[] csvOf(int bytes) {
        StringBuilder csv = new StringBuilder("text,label\n");
        while (csv.length() < bytes) {
            csv.append("some text,1\n");
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void acceptsAFileUnderTheLimit() {
        ApiClient.Answer answer = upload("?name=small", "text/csv", csvOf(3000), true);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    }

    @Test
    void refusesADeclaredLengthOverTheLimit() throws Exception {
        ApiClient.Answer answer = upload("?name=big", "text/csv", csvOf(20_000), true);
        assertThat(answer.status()).isEqualTo(413);
        assertNothingKept();
    }

    @Test
    void refusesAChunkedBodyOverTheLimit() throws Exception {
        ApiClient.Answer answer = upload("?name=big", "text/csv", csvOf(20_000), false);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).contains("modelcat.datasets.max-size");
        assertNothingKept();
    }

    @Test
    void aCompressedBodyIsHeldToTheLimitOnceUnpacked() throws Exception {
        // 2 MB of CSV compress to a few KB under the limit: a gzip bomb must not slip through.
        java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(packed)) {
            gzip.write(csvOf(2_000_000));
        }
        assertThat(packed.size()).isLessThan(4096);
        ApiClient.Answer answer = send(java.net.http.HttpRequest.newBuilder(uri("/api/v1/datasets?name=bomb"))
                .header("Content-Type", "text/csv").header("Content-Encoding", "gzip")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(packed.toByteArray())));
        assertThat(answer.status()).as(answer.toString()).isIn(400, 413, 415);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertNothingKept();
    }

    @Test
    void refusesMoreRowsThanTheLimit() throws Exception {
        StringBuilder csv = new StringBuilder("n\n");
        for (int i = 0; i < 501; i++) {
            csv.append(i).append('\n');
        }
        ApiClient.Answer answer = upload("?name=long", "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8), true);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorFields()).containsExactly("body");
        assertThat(answer.body()).contains("more than 500 rows").contains("modelcat.datasets.max-rows");
        assertNothingKept();
        StringBuilder exactly = new StringBuilder("n\n");
        for (int i = 0; i < 500; i++) {
            exactly.append(i).append('\n');
        }
        assertThat(upload("?name=full", "text/csv", exactly.toString().getBytes(StandardCharsets.UTF_8), true).status())
                .isEqualTo(201);
    }
}
