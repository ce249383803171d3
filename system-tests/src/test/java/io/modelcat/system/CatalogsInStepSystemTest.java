package io.modelcat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two catalog services on one database, as behind a load balancer: a change made through service A (a revoked token,
 * a disabled user, a changed role, a signed-out session, an edited card) shows on service B at once, though B had it
 * cached for a minute, because A's change notice reaches B's listener on commit; and still after B's listening
 * connection was killed. The measured latencies are printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogsInStepSystemTest {

    /** Far below the caches' time-to-live (a minute here): only a change notice explains a change seen this fast. */
    private static final Duration BOUND = Duration.ofSeconds(1);

    private RunningSystem system;
    private URI a;
    private URI b;

    @BeforeAll
    void start() {
        system = new RunningSystem(Map.of("MODELCAT_AUTH_CACHE_TTL", "1m", "MODELCAT_CATALOG_LIST_CACHE_TTL", "1m",
                "MODELCAT_CATALOG_FACET_CACHE_TTL", "1m"));
        a = system.base();
        b = system.addCatalog();
    }

    @AfterAll
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aTokenRevokedThroughAIsRefusedByB() {
        Map<String, Object> issued = system.post("/api/v1/tokens", Map.of("name", "to revoke")).map();
        String token = (String) issued.get("value");
        Object id = ((Map<?, ?>) issued.get("token")).get("id");
        assertThat(models(b, token)).as("B trusts it, and caches that").isEqualTo(200);

        assertThat(system.delete("/api/v1/tokens/" + id).status()).isEqualTo(200);
        assertThat(models(a, token)).isEqualTo(401);
        report("revoked token", awaitOn(() -> models(b, token) == 401));
    }

    @Test
    void aUserDisabledOrDemotedThroughAIsRefusedByB() {
        String disabled = userToken("to-disable", "viewer");
        String demoted = userToken("to-demote", "contributor");
        assertThat(models(b, disabled)).isEqualTo(200);
        assertThat(newCard(b, demoted, "by-a-contributor")).isEqualTo(201);

        assertThat(system.patch("/api/v1/users/" + userId("to-disable"), Map.of("disabled", true)).status())
                .isEqualTo(200);
        report("disabled user", awaitOn(() -> models(b, disabled) == 401));

        assertThat(system.patch("/api/v1/users/" + userId("to-demote"), Map.of("role", "viewer")).status())
                .isEqualTo(200);
        report("changed role", awaitOn(() -> newCard(b, demoted, "by-a-viewer") == 403));
    }

    @Test
    void aSessionSignedOutThroughAIsRefusedByB() {
        RunningSystem.Session session = system.signIn(RunningSystem.ADMIN, RunningSystem.ADMIN_PASSWORD);
        Map<String, String> cookie = Map.of("Cookie", session.cookie());
        assertThat(system.send(b, "GET", "/api/v1/auth/session", null, cookie).status()).isEqualTo(200);

        assertThat(system.send(a, "POST", "/api/v1/auth/logout", null,
                Map.of("Cookie", session.cookie(), "X-CSRF-Token", session.csrfToken())).status()).isLessThan(300);
        report("signed-out session",
                awaitOn(() -> system.send(b, "GET", "/api/v1/auth/session", null, cookie).status() == 401));
    }

    @Test
    void aCardEditedThroughAShowsChangedInBsCachedList() {
        Map<String, Object> body = new java.util.HashMap<>(card("before-edit"));
        body.put("tags", List.of("in-step"));
        Map<String, Object> card = system.post("/api/v1/models", body).map();
        String list = "/api/v1/models?tag=in-step&sort=name";
        awaitOn(() -> names(b, list).equals(List.of("before-edit")));
        // B's page is warm now: a card written behind every service's back (no notice) does not show there.
        system.database().executeHere("INSERT INTO model (id, name, task, license, tags) VALUES "
                + "('00000000-0000-4000-8000-00000000e417', 'silent-edit', 'fill-mask', 'mit', '{in-step}')");
        assertThat(names(b, list)).containsExactly("before-edit");

        assertThat(system.patch("/api/v1/models/" + card.get("id"), Map.of("name", "after-edit", "version",
                card.get("version"))).status()).isEqualTo(200);
        report("edited card", awaitOn(() -> names(b, list).equals(List.of("after-edit", "silent-edit"))));
    }

    @Test
    void notificationsFlowAgainAfterTheListeningConnectionsAreKilled() {
        system.database().executeHere("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                + "WHERE application_name = 'modelcat-change-listener' AND datname = current_database()");
        for (URI catalog : List.of(a, b)) {
            system.awaitValue(Duration.ofSeconds(30), () -> system.send(catalog, "GET", "/api/v1/prometheus", null,
                    bearer(system.adminToken())).body(), body -> body.matches(
                    "(?s).*\\nmodelcat_cache_notifications_connected(\\{[^}]*})? 1\\.0\\n.*"));
        }

        Map<String, Object> issued = system.post("/api/v1/tokens", Map.of("name", "after reconnect")).map();
        String token = (String) issued.get("value");
        assertThat(models(b, token)).isEqualTo(200);
        assertThat(system.delete("/api/v1/tokens/" + ((Map<?, ?>) issued.get("token")).get("id")).status())
                .isEqualTo(200);
        report("revoked token after reconnect", awaitOn(() -> models(b, token) == 401));
    }

    private int models(URI catalog, String token) {
        return system.send(catalog, "GET", "/api/v1/models?limit=1", null, bearer(token)).status();
    }

    private int newCard(URI catalog, String token, String name) {
        return system.send(catalog, "POST", "/api/v1/models", card(name), bearer(token)).status();
    }

    private List<Object> names(URI catalog, String path) {
        return system.send(catalog, "GET", path, null, bearer(system.adminToken())).items().stream()
                .map(m -> m.get("name")).toList();
    }

    private String userToken(String username, String role) {
        Map<String, Object> user = system.post("/api/v1/users", Map.of("username", username, "role", role)).map();
        RunningSystem.Answer token = system.post("/api/v1/users/" + user.get("id") + "/tokens", Map.of("name", "t"));
        assertThat(token.status()).as(token.body()).isEqualTo(201);
        return (String) token.map().get("value");
    }

    private Object userId(String username) {
        return system.get("/api/v1/users").list().stream().filter(u -> username.equals(u.get("username")))
                .findFirst().orElseThrow().get("id");
    }

    private static Map<String, Object> card(String name) {
        return Map.of("name", name, "publisher", "acme", "task", "text-classification", "license", "mit");
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    /** Polls as fast as B answers until {@code done}, at most {@link #BOUND}; the milliseconds it took. */
    private static long awaitOn(BooleanSupplier done) {
        long start = System.nanoTime();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - start > BOUND.toNanos()) {
                throw new AssertionError("not seen on the other catalog service within " + BOUND.toMillis() + " ms");
            }
        }
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    private static void report(String what, long millis) {
        System.out.println("CatalogsInStepSystemTest: " + what + " seen by service B " + millis
                + " ms after service A answered (one request to B takes part of it)");
    }
}
