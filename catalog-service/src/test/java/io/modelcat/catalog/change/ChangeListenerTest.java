package io.modelcat.catalog.change;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Authenticator;
import io.modelcat.catalog.access.CredentialRepository;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.model.ModelService;
import io.modelcat.credentials.IssuedToken;
import io.modelcat.store.change.ChangeNotices;
import io.modelcat.store.model.ModelFields;
import io.modelcat.store.model.Models;
import io.modelcat.testsupport.TestDatabase;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Changes written by another service (here: SQL on a connection of the test's own, as another catalog service or a
 * runner writes) reach this service's caches through their change notices at once, and still after the listening
 * connection was killed.
 */
@MicronautTest(transactional = false)
class ChangeListenerTest extends CatalogTestBase {

    @Inject
    ChangeListener listener;

    @Inject
    ModelService models;

    @Inject
    Authenticator authenticator;

    @Inject
    CredentialRepository tokens;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        // Caches that would hide another service's change for a minute without its notice.
        properties.put("modelcat.catalog.list-cache-ttl", "1m");
        properties.put("modelcat.catalog.facet-cache-ttl", "1m");
        properties.put("modelcat.auth.cache-ttl", "1m");
        return properties;
    }

    @BeforeEach
    void listening() {
        // The tables were emptied behind the service's back (no notice): start each test with empty caches.
        models.cardsChanged();
        authenticator.forgetAll();
        awaitWithin(Duration.ofSeconds(10), listener::connected, "the listener connects");
    }

    @Test
    void aTokenRevokedElsewhereIsRefusedAtOnceButOnlyWithItsNotice() throws SQLException {
        String token = newViewerToken();
        ApiClient viewer = api.as(token);
        assertThat(viewer.get("/api/v1/models").status()).isEqualTo(200);

        inAnotherService(c -> update(c, "UPDATE api_token SET revoked_at = now() WHERE token_hash = ?",
                IssuedToken.hash(token)));
        assertThat(viewer.get("/api/v1/models").status()).as("still trusted from the cache: no notice was sent")
                .isEqualTo(200);

        inAnotherService(ChangeNotices::accessChanged);
        long millis = awaitWithin(Duration.ofSeconds(1), () -> viewer.get("/api/v1/models").status() == 401,
                "the revoked token is refused");
        System.out.println("ChangeListenerTest: revoked token refused " + millis + " ms after the commit");
    }

    @Test
    void aCardWrittenElsewhereShowsInTheCachedListAndCountsAtOnce() throws SQLException {
        assertThat(names()).isEmpty();
        inAnotherService(c -> {
            Models.insert(c, UUID.randomUUID(), new ModelFields("from-a-runner", "acme", "", "fill-mask", List.of(),
                    "mit", List.of(), null, null, "[]", "manual", null, null));
        });
        long millis = awaitWithin(Duration.ofSeconds(1), () -> names().equals(List.of("from-a-runner")),
                "the new card is listed");
        System.out.println("ChangeListenerTest: card written elsewhere listed " + millis + " ms after the commit");
        @SuppressWarnings("unchecked")
        Map<String, Object> facets = (Map<String, Object>) api.get("/api/v1/models").map().get("facets");
        assertThat(facets.toString()).contains("fill-mask");
    }

    @Test
    void aKilledConnectionIsReplacedAndEveryCacheEmptiedOnce() throws SQLException {
        String token = newViewerToken();
        ApiClient viewer = api.as(token);
        assertThat(viewer.get("/api/v1/models").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/prometheus").body()).containsPattern("(?m)^modelcat_cache_notifications_connected(\\{[^}]*\\})? 1\\.0$");
        // Revoked without a notice, as if it was sent while the connection was down: only the reconnect clears it.
        inAnotherService(c -> update(c, "UPDATE api_token SET revoked_at = now() WHERE token_hash = ?",
                IssuedToken.hash(token)));
        assertThat(viewer.get("/api/v1/models").status()).isEqualTo(200);

        TestDatabase.shared().executeHere("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
                + ChangeListener.APPLICATION_NAME + "' AND datname = current_database()");
        awaitWithin(Duration.ofSeconds(5), () -> !listener.connected(), "the listener sees the connection end");
        awaitWithin(Duration.ofSeconds(10), listener::connected, "the listener reconnects");
        assertThat(viewer.get("/api/v1/models").status()).as("caches emptied after the reconnect").isEqualTo(401);

        // And notices flow again.
        assertThat(names()).isEmpty();
        inAnotherService(c -> {
            Models.insert(c, UUID.randomUUID(), new ModelFields("after-reconnect", "acme", "", "fill-mask", List.of(),
                    "mit", List.of(), null, null, "[]", "manual", null, null));
        });
        awaitWithin(Duration.ofSeconds(1), () -> names().equals(List.of("after-reconnect")), "the new card is listed");
    }

    private List<Object> names() {
        return api.get("/api/v1/models").items().stream().map(m -> m.get("name")).toList();
    }

    private String newViewerToken() {
        IssuedToken token = IssuedToken.generate(IssuedToken.PERSONAL);
        tokens.insertToken(UUID.randomUUID(), account(Role.VIEWER).id(), "listener test", token,
                Instant.now().plus(Duration.ofDays(1)));
        return token.value();
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in a transaction of a connection outside this service, as another service would. */
    private static void inAnotherService(Work work) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection()) {
            c.setAutoCommit(false);
            work.run(c);
            c.commit();
        }
    }

    private static void update(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** Polls every 5 ms until {@code done}; the milliseconds it took. */
    private static long awaitWithin(Duration bound, BooleanSupplier done, String what) {
        long start = System.nanoTime();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - start > bound.toNanos()) {
                throw new AssertionError(what + ": not within " + bound.toMillis() + " ms");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }
}
