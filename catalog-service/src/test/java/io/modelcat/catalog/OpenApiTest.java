package io.modelcat.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

/** The OpenAPI document is generated from the code and served with an explorer that needs no CDN. */
@MicronautTest(transactional = false)
class OpenApiTest extends CatalogTestBase {

    @Test
    void servesTheDocumentAndTheExplorer() {
        ApiClient.Answer doc = api.get("/swagger/modelcat-catalog.yml");
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.body()).contains("openapi: 3").contains("/api/v1/models/{id}:")
                .contains("/api/v1/models/{id}/versions:").contains("CreateModelRequest")
                .contains("/api/v1/imports:", "/api/v1/jobs:", "/api/v1/jobs/{id}/events:", "/api/v1/jobs/{id}/cancel:",
                        "/api/v1/workers:", "/api/v1/datasets:", "/api/v1/datasets/{id}/mapping-check:",
                        "/api/v1/evaluations:", "/api/v1/finetunes:", "/api/v1/jobs/{id}/metrics:",
                        "/api/v1/leaderboard:", "/api/v1/jobs/{id}/register:", "/api/v1/models/{id}/predict:",
                        "/api/v1/models/{id}/versions/{versionNumber}/archive:");

        ApiClient.Answer explorer = api.get("/swagger-ui/index.html");
        assertThat(explorer.status()).isEqualTo(200);
        assertThat(explorer.body()).contains("modelcat-catalog.yml").doesNotContain("unpkg.com")
                .doesNotContain("cdn.jsdelivr");
        assertThat(api.get("/swagger-ui/res/swagger-ui-bundle.js").status()).isEqualTo(200);
    }

    @Test
    void unknownRoutesAnswerProblemDetails() {
        ApiClient.Answer answer = api.get("/api/v1/nothing-here");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }
}
