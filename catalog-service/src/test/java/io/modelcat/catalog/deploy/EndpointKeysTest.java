package io.modelcat.catalog.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.credentials.SecretCipher;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With a secret key, keys are sealed and contributors can read them again. */
@MicronautTest(transactional = false)
class EndpointKeysTest extends CatalogTestBase {

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        properties.put("modelcat.secret-key", SecretCipher.generateKey());
        return properties;
    }

    @Test
    @SuppressWarnings("unchecked")
    void keysAreShownAgain() {
        Map<String, Object> keys = (Map<String, Object>) api.post("/api/v1/endpoints", Map.of("name", "sealed"))
                .map().get("keys");
        assertThat(apiAs(Role.CONTRIBUTOR).get("/api/v1/endpoints/sealed/keys").map()).isEqualTo(keys);
        Map<String, Object> renewed = api.post("/api/v1/endpoints/sealed/keys/regenerate",
                Map.of("keyType", "secondary")).map();
        assertThat(renewed.get("primaryKey")).isEqualTo(keys.get("primaryKey"));
        assertThat(renewed.get("secondaryKey")).isNotEqualTo(keys.get("secondaryKey"));
        assertThat(api.get("/api/v1/endpoints/sealed/keys").map()).isEqualTo(renewed);
    }
}
