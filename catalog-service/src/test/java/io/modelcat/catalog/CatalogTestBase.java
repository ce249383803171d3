package io.modelcat.catalog;

import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import io.modelcat.catalog.access.CredentialRepository;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.UserRepository;
import io.modelcat.testsupport.TestDatabase;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/** Starts catalog-service on a random port against the shared test database; empties it before each test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class CatalogTestBase implements TestPropertyProvider {

    @Inject
    EmbeddedServer server;

    @Inject
    JsonMapper json;

    @Inject
    protected UserRepository users;

    @Inject
    protected CredentialRepository credentials;

    /** Calls as test-admin, who may do everything; {@link #apiAs(Role)} for the other roles. */
    protected ApiClient api;

    /** This test class's own MODELCAT_HOME (datasets, model files), removed after the class. */
    protected final Path home = createHome();

    private static Path createHome() {
        try {
            return Files.createTempDirectory("modelcat-test-home");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    void removeHome() throws IOException {
        if (Files.exists(home)) {
            try (Stream<Path> paths = Files.walk(home)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>();
        TestDatabase.shared().micronautProperties().forEach((k, v) -> properties.put(k, String.valueOf(v)));
        properties.put("micronaut.server.port", "-1");
        properties.put("modelcat.home", home.toString());
        // Tests empty tables behind the service's back, so facet counts and pages must not be cached across them.
        properties.put("modelcat.catalog.facet-cache-ttl", "0s");
        properties.put("modelcat.catalog.list-cache-ttl", "0s");
        properties.put("modelcat.admin-password", TestAccounts.ADMIN_PASSWORD);
        return properties;
    }

    @BeforeEach
    void emptyDatabase() {
        TestDatabase.shared().truncateAll();
        api = apiAs(Role.ADMIN);
    }

    /** A client calling as the test account of {@code role}. */
    protected ApiClient apiAs(Role role) {
        return new ApiClient(server.getURI(), json, account(role).token());
    }

    /** A client sending no credentials. */
    protected ApiClient anonymousApi() {
        return new ApiClient(server.getURI(), json);
    }

    /** The test account of {@code role} (its id, name and token). */
    protected TestAccounts.Account account(Role role) {
        return TestAccounts.of(role, users, credentials);
    }

    /** A valid create-request body; tests change what they need. */
    protected static Map<String, Object> aModel(String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("publisher", "acme");
        body.put("description", "A **test** model.");
        body.put("task", "text-classification");
        body.put("finetuningTasks", List.of("text-classification"));
        body.put("license", "apache-2.0");
        body.put("tags", List.of("english"));
        return body;
    }

    protected Map<String, Object> create(Map<String, Object> body) {
        ApiClient.Answer answer = api.post("/api/v1/models", body);
        if (answer.status() != 201) {
            throw new AssertionError("create failed: " + answer);
        }
        return answer.map();
    }
}
