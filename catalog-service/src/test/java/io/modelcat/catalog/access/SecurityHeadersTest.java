package io.modelcat.catalog.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The UI and the API answer with hardening headers; management endpoints other than health are off. */
@MicronautTest(transactional = false)
class SecurityHeadersTest extends CatalogTestBase {

    @Test
    void pagesAndAnswersCarryHardeningHeaders() {
        ApiClient.Answer page = anonymousApi().get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'", "script-src 'self';",
                "frame-ancestors 'none'", "object-src 'none'");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");

        ApiClient.Answer denied = anonymousApi().get("/api/v1/models");
        assertThat(denied.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(denied.header("Cache-Control")).isEqualTo("no-store");
        assertThat(api.get("/api/v1/models").header("Cache-Control")).isEqualTo("no-store");

        assertThat(anonymousApi().get("/swagger-ui/index.html").header("Content-Security-Policy"))
                .contains("script-src 'self' 'unsafe-inline'");
    }

    @Test
    void onlyTheHealthEndpointIsExposed() {
        assertThat(anonymousApi().get("/health").status()).isEqualTo(200);
        for (String path : List.of("/beans", "/routes", "/env", "/loggers", "/threaddump", "/flyway", "/info")) {
            assertThat(anonymousApi().get(path).status()).as(path).isEqualTo(404);
        }
        assertThat(anonymousApi().post("/refresh", "{}").status()).isIn(404, 405);
    }

    @Test
    void corsIsOff() {
        ApiClient.Answer answer = anonymousApi().send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/models"))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET"));
        assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
    }
}
