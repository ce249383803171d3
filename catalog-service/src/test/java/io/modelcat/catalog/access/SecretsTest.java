package io.modelcat.catalog.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.credentials.SecretCipher;
import io.modelcat.credentials.SecretStore;
import io.modelcat.testsupport.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secrets: admins set them, nobody reads them back, and the database holds only ciphertext. */
@MicronautTest(transactional = false)
class SecretsTest extends CatalogTestBase {

    static final String KEY = SecretCipher.generateKey();
    private static final String HF_TOKEN = "hf_VerySecretValue123";

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        properties.put("modelcat.secret-key", KEY);
        return properties;
    }

    @Test
    void aSecretIsWrittenButNeverReadBack() throws SQLException {
        ApiClient.Answer set = api.put("/api/v1/secrets/huggingface-token", Map.of("value", HF_TOKEN + "\n"));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.body()).doesNotContain(HF_TOKEN);
        assertThat(set.map()).containsEntry("name", "huggingface-token").containsEntry("updatedBy", "test-admin")
                .containsEntry("readable", true);
        ApiClient.Answer list = api.get("/api/v1/secrets");
        assertThat(list.map()).containsEntry("encryptionConfigured", true);
        assertThat(list.body()).doesNotContain(HF_TOKEN);

        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT ciphertext FROM secret")) {
            rs.next();
            assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain("VerySecret");
            // What a runner holding the same key reads: the value, trimmed.
            assertThat(new SecretStore(SecretCipher.of(KEY)).read(c, SecretStore.HUGGING_FACE_TOKEN)).contains(HF_TOKEN);
        }
        assertThat(api.get("/api/v1/audit?action=secret.set").body()).contains("huggingface-token").doesNotContain(HF_TOKEN);

        assertThat(api.delete("/api/v1/secrets/huggingface-token").status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/secrets/huggingface-token").status()).isEqualTo(404);
    }

    @Test
    void onlyAdminsTouchSecretsAndNamesAreChecked() {
        assertThat(apiAs(Role.CONTRIBUTOR).put("/api/v1/secrets/huggingface-token", Map.of("value", "x")).status())
                .isEqualTo(403);
        ApiClient.Answer traversal = api.put("/api/v1/secrets/..%2Fetc", Map.of("value", "x"));
        assertThat(traversal.status()).isIn(400, 404);
        ApiClient.Answer upper = api.put("/api/v1/secrets/HF_TOKEN", Map.of("value", "x"));
        assertThat(upper.status()).isEqualTo(400);
        assertThat(upper.errorFields()).containsExactly("name");
        ApiClient.Answer empty = api.put("/api/v1/secrets/huggingface-token", Map.of("value", " "));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.errorFields()).containsExactly("value");
    }
}
