package io.modelcat.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubHttpTest {

    private static HttpHeaders headers(String name, String value) {
        return HttpHeaders.of(Map.of(name, List.of(value)), (a, b) -> true);
    }

    @Test
    void retryAfterInSecondsOrAsHttpDate() {
        assertThat(HubHttp.retryAfter(headers("Retry-After", "120"))).hasValue(Duration.ofSeconds(120));
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
        assertThat(HubHttp.retryAfter(headers("Retry-After", inAMinute)).orElseThrow())
                .isBetween(Duration.ofSeconds(50), Duration.ofSeconds(61));
        assertThat(HubHttp.retryAfter(headers("Retry-After", "soon"))).isEmpty();
        assertThat(HubHttp.retryAfter(headers("X-Other", "1"))).isEmpty();
    }

    @Test
    void sameOriginComparesSchemeHostAndPort() {
        URI hub = URI.create("https://huggingface.co");

        assertThat(HubHttp.sameOrigin(URI.create("https://huggingface.co/a/resolve/main/x"), hub)).isTrue();
        assertThat(HubHttp.sameOrigin(URI.create("https://HuggingFace.co:443/x"), hub)).isTrue();
        assertThat(HubHttp.sameOrigin(URI.create("https://cdn-lfs.hf.co/x"), hub)).isFalse();
        assertThat(HubHttp.sameOrigin(URI.create("http://huggingface.co/x"), hub)).isFalse();
        assertThat(HubHttp.sameOrigin(URI.create("https://huggingface.co:8443/x"), hub)).isFalse();
    }

    @Test
    void linkedEtagIsTheSha256WhenItLooksLikeOne() {
        String sha = "68d45e234eb4a928074dfd868cead0219ab85354cc53d20e772753c6bb9169d3";

        assertThat(FileDownload.linkedSha256(headers("X-Linked-Etag", "\"" + sha + "\""))).hasValue(sha);
        assertThat(FileDownload.linkedSha256(headers("ETag", "W/\"" + sha.toUpperCase() + "\""))).hasValue(sha);
        assertThat(FileDownload.linkedSha256(headers("ETag", "\"a6344aac8c09253b3b630fb776ae94478aa0275b\""))).isEmpty();
    }

    @Test
    void pathsEncodeRevisionsAndFileSegments() {
        ModelId id = ModelId.parse("org/model", "refs/pr/1");

        assertThat(HubPaths.modelInfoPath(id)).isEqualTo("/api/models/org/model/revision/refs%2Fpr%2F1");
        assertThat(HubPaths.resolvePath(id, "refs/pr/1", "sub dir/ä.json"))
                .isEqualTo("/org/model/resolve/refs%2Fpr%2F1/sub%20dir/%C3%A4.json");
    }
}
