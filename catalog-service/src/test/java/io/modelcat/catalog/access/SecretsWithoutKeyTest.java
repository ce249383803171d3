package io.modelcat.catalog.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without MODELCAT_SECRET_KEY, secrets cannot be stored, and the answer says what to set. */
@MicronautTest(transactional = false)
class SecretsWithoutKeyTest extends CatalogTestBase {

    @Test
    void storingASecretAsksForTheKey() {
        assertThat(api.get("/api/v1/secrets").map()).containsEntry("encryptionConfigured", false);
        ApiClient.Answer answer = api.put("/api/v1/secrets/huggingface-token", Map.of("value", "hf_x"));
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.map().get("detail")).asString().contains("MODELCAT_SECRET_KEY").contains("openssl rand -base64 32");
        assertThat(api.get("/api/v1/secrets").map().get("items")).asList().isEmpty();
    }
}
