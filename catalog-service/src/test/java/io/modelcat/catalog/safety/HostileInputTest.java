package io.modelcat.catalog.safety;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hostile and malformed inputs get clean 4xx problem answers and change nothing. */
@MicronautTest(transactional = false)
class HostileInputTest extends CatalogTestBase {

    private String id;

    @BeforeEach
    void oneCard() {
        id = (String) create(aModel("target")).get("id");
    }

    private void assertUnchanged() {
        Map<String, Object> page = api.get("/api/v1/models?facets=true").map();
        assertThat(page).containsEntry("total", 1);
        assertThat(api.get("/api/v1/models/" + id).map()).containsEntry("name", "target").containsEntry("version", 0);
    }

    private static void assertProblem(ApiClient.Answer answer, int status) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("org.postgresql");
    }

    @Test
    void oversizedAndMalformedBodies() {
        Map<String, Object> huge = aModel("huge");
        huge.put("description", "x".repeat(11 * 1024 * 1024));
        assertThat(api.post("/api/v1/models", huge).status()).isIn(400, 413);
        for (String body : List.of("{", "[]", "\"text\"", "{\"name\": {\"nested\": true}}", "{\"name\": 42}",
                "{\"task\": [1, 2]}", "null", "{".repeat(5000) + "}".repeat(5000))) {
            assertProblem(api.post("/api/v1/models", body), 400);
        }
        assertProblem(api.patch("/api/v1/models/" + id, "{\"version\": 0, \"tags\": \"not-a-list\"}"), 400);
        assertUnchanged();
    }

    @Test
    void overlongUrlsAndHeadersAreNamed() {
        String tags = String.join("&", IntStream.range(0, 700).mapToObj(i -> "tag=t" + i).toList());
        ApiClient.Answer url = api.get("/api/v1/models?" + tags);
        assertProblem(url, 414);
        assertThat((String) url.map().get("title")).endsWith("URI Too Long");
        assertThat((String) url.map().get("detail")).contains("4096 bytes").contains("query string");

        ApiClient.Answer header = api.send(HttpRequest.newBuilder(api.uri("/api/v1/models"))
                .header("X-Padding", "x".repeat(9000)).GET());
        assertProblem(header, 431);
        assertThat((String) header.map().get("detail")).contains("headers").contains("8192 bytes");
        assertUnchanged();
    }

    @Test
    void controlCharactersAndSqlMetaCharactersAreJustData() {
        Map<String, Object> nul = aModel("bad\u0000name");
        assertProblem(api.post("/api/v1/models", nul), 400);
        Map<String, Object> description = aModel("x");
        description.put("description", "before\u0000after");
        assertProblem(api.post("/api/v1/models", description), 400);
        assertProblem(api.patch("/api/v1/models/" + id, Map.of("version", 0, "publisher", "\u0000")), 400);

        for (String hostile : List.of("' OR 1=1 --", "'; DROP TABLE model; --", "\\\\", "%", "_", "\u0000")) {
            String q = URLEncoder.encode(hostile, StandardCharsets.UTF_8);
            for (String param : List.of("license", "tag")) {
                ApiClient.Answer answer = api.get("/api/v1/models?" + param + "=" + q);
                assertThat(answer.status()).as(param + "=" + hostile + ": " + answer).isIn(200, 400);
                if (answer.status() == 200) {
                    assertThat(answer.items()).isEmpty();
                }
            }
            assertThat(api.get("/api/v1/models?task=" + q).status()).isEqualTo(400);
            assertThat(api.get("/api/v1/models?q=" + q).status()).isIn(200, 400);
        }
        // A semicolon is part of a value, not a second parameter: an unknown sort is named, not half-read.
        ApiClient.Answer sort = api.get("/api/v1/models?sort=name;drop");
        assertProblem(sort, 400);
        assertThat(sort.body()).contains("name;drop").contains("must be one of");
        assertUnchanged();
    }

    @Test
    void scriptInADescriptionIsStoredAsText() {
        String script = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        ApiClient.Answer answer = api.patch("/api/v1/models/" + id, Map.of("version", 0, "description", script));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(api.get("/api/v1/models/" + id).map()).containsEntry("description", script);
        assertThat(api.get("/api/v1/models/" + id).contentType()).startsWith("application/json");
    }

    @Test
    void traversalInIdsAndNames() {
        for (String path : List.of("/api/v1/models/..%2F..%2Fetc%2Fpasswd", "/api/v1/models/%2e%2e", "/api/v1/jobs/..",
                "/api/v1/datasets/..%2Fx", "/api/v1/models/" + id + "/versions/..%2F1/archive")) {
            ApiClient.Answer answer = api.get(path);
            assertThat(answer.status()).as(path).isIn(400, 404);
        }
        ApiClient.Answer upload = api.upload("/api/v1/datasets?name=" + URLEncoder.encode("../../etc/passwd", StandardCharsets.UTF_8),
                "text/csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), true);
        assertThat(upload.status()).as(upload.toString()).isIn(201, 400);
        if (upload.status() == 201) {
            assertThat(home.resolve("datasets").toFile().list()).allSatisfy(name -> assertThat(name).doesNotContain(".."));
        }
        assertUnchanged();
    }

    @Test
    void hostileSignInsAccountsAndAuditQueries() {
        ApiClient anonymous = anonymousApi();
        assertThat(anonymous.post("/api/v1/auth/login", "{\"username\": \"" + "x".repeat(11 * 1024 * 1024) + "\"}").status())
                .isIn(400, 413);
        for (String name : List.of("' OR 1=1 --", "admin'--", "\u0000", "%", "../../etc/passwd")) {
            ApiClient.Answer answer = anonymous.post("/api/v1/auth/login", Map.of("username", name, "password", "x' OR '1'='1"));
            assertThat(answer.status()).as(name).isIn(400, 401);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.body()).doesNotContain("Exception").doesNotContain("org.postgresql");
        }
        assertProblem(api.post("/api/v1/users", "{\"username\": [1]}"), 400);
        assertProblem(api.post("/api/v1/users", Map.of("username", "robert'); DROP TABLE app_user;--", "role", "viewer")), 400);
        ApiClient.Answer script = api.post("/api/v1/users", Map.of("username", "scripted", "role", "viewer",
                "displayName", "<img src=x onerror=alert(1)>"));
        assertThat(script.status()).isIn(201, 409);
        assertThat(api.get("/api/v1/users").body()).contains("<img src=x onerror=alert(1)>");
        for (String query : List.of("actor=%27%20OR%201%3D1", "action=job.%25", "cursor=abc", "limit=0", "limit=100000",
                "targetId=" + "%00")) {
            ApiClient.Answer answer = api.get("/api/v1/audit?" + query);
            assertThat(answer.status()).as(query).isIn(200, 400);
            assertThat(answer.body()).doesNotContain("Exception");
        }
        assertProblem(api.put("/api/v1/secrets/..%2F..%2Fetc%2Fpasswd", Map.of("value", "x")), 400);
        assertUnchanged();
    }
}
