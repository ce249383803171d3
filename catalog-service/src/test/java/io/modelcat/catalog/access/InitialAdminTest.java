package io.modelcat.catalog.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.catalog.ApiClient;
import io.modelcat.testsupport.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The first start on a database without accounts creates one admin, once, with a password that can be found. */
class InitialAdminTest {

    private static Map<String, Object> properties(TestDatabase db, Path home) {
        Map<String, Object> properties = new HashMap<>(db.micronautProperties());
        properties.put("micronaut.server.port", -1);
        properties.put("modelcat.home", home.toString());
        return properties;
    }

    @Test
    void aGeneratedPasswordIsKeptPrivatelyUntilTheAdminChangesIt() throws IOException {
        TestDatabase db = TestDatabase.shared().freshDatabase();
        Path home = Files.createTempDirectory("modelcat-initial-admin");
        Path file = home.resolve(InitialAdmin.PASSWORD_FILE);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties(db, home))) {
            assertThat(file).exists();
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            String password = Files.readString(file).strip();
            assertThat(password).hasSizeGreaterThanOrEqualTo(20);

            ApiClient anonymous = new ApiClient(server.getURI(), server.getApplicationContext().getBean(JsonMapper.class));
            ApiClient.Answer signIn = anonymous.post("/api/v1/auth/login", Map.of("username", "admin", "password", password));
            assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
            @SuppressWarnings("unchecked")
            Map<String, Object> user = (Map<String, Object>) signIn.map().get("user");
            assertThat(user).containsEntry("role", "admin");

            String cookie = signIn.header("Set-Cookie").split(";")[0];
            ApiClient.Answer changed = anonymous.send(java.net.http.HttpRequest.newBuilder(anonymous.uri("/api/v1/auth/password"))
                    .header("Cookie", cookie).header("X-CSRF-Token", (String) signIn.map().get("csrfToken"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"currentPassword\": \"" + password + "\", \"newPassword\": \"the admin's own passphrase\"}")));
            assertThat(changed.status()).isEqualTo(204);
            assertThat(file).doesNotExist();
        }
        // A second start finds an account and creates nothing.
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties(db, home))) {
            assertThat(file).doesNotExist();
            assertThat(server.getApplicationContext().getBean(UserRepository.class).list()).extracting(User::username)
                    .isEqualTo(List.of("admin"));
        }
    }

    @Test
    void aConfiguredPasswordIsUsedAndAShortOneStopsTheStart() throws IOException {
        TestDatabase db = TestDatabase.shared().freshDatabase();
        Path home = Files.createTempDirectory("modelcat-initial-admin");
        Map<String, Object> properties = properties(db, home);
        properties.put("modelcat.admin-password", "short");
        assertThatThrownBy(() -> ApplicationContext.run(EmbeddedServer.class, properties).close())
                .hasStackTraceContaining("MODELCAT_ADMIN_PASSWORD must be at least 12 characters");

        properties.put("modelcat.admin-username", "root-of-trust");
        properties.put("modelcat.admin-password", "a configured passphrase");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties)) {
            assertThat(home.resolve(InitialAdmin.PASSWORD_FILE)).doesNotExist();
            ApiClient anonymous = new ApiClient(server.getURI(), server.getApplicationContext().getBean(JsonMapper.class));
            assertThat(anonymous.post("/api/v1/auth/login", Map.of("username", "root-of-trust",
                    "password", "a configured passphrase")).status()).isEqualTo(200);
        }
    }
}
