package io.modelcat.catalog.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The web UI's sign-in: password check, session cookie, CSRF, throttling, sign-out, password change. */
@MicronautTest(transactional = false)
class SignInTest extends CatalogTestBase {

    private static final String PASSWORD = "correct horse battery";

    /** A new contributor with {@link #PASSWORD}; returns its name. */
    private String newUser(Role role) {
        String name = "user-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Answer created = api.post("/api/v1/users", Map.of("username", name, "role", role.wireName(),
                "password", PASSWORD, "displayName", "Someone"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(PASSWORD).doesNotContain("pbkdf2");
        return name;
    }

    /** A browser-like session: the cookie and the CSRF token of a sign-in. */
    private record Session(String cookie, String csrf) {
    }

    private Session signIn(String username, String password) {
        ApiClient.Answer answer = anonymousApi().post("/api/v1/auth/login", Map.of("username", username, "password", password));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        String setCookie = answer.header("Set-Cookie");
        return new Session(setCookie.substring(0, setCookie.indexOf(';')), (String) answer.map().get("csrfToken"));
    }

    private ApiClient.Answer withSession(Session session, String method, String path, String body, boolean sendCsrf) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path)).header("Cookie", session.cookie())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (sendCsrf) {
            request.header("X-CSRF-Token", session.csrf());
        }
        return anonymousApi().send(request);
    }

    @Test
    void aSignInSetsAHardenedSessionCookieThatProvesWhoCalls() {
        String name = newUser(Role.CONTRIBUTOR);
        ApiClient.Answer answer = anonymousApi().post("/api/v1/auth/login", Map.of("username", name.toUpperCase(), "password", PASSWORD));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.header("Set-Cookie")).startsWith("modelcat_session=mc_ses_").containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict").contains("Path=/").contains("Max-Age=")
                // Plain HTTP here: modelcat.auth.cookie-secure=auto adds Secure only behind HTTPS.
                .doesNotContainIgnoringCase("Secure;").doesNotEndWithIgnoringCase("Secure");
        assertThat(answer.map()).containsKeys("csrfToken", "expiresAt").containsEntry("method", "session");
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) answer.map().get("user");
        assertThat(user).containsEntry("username", name).containsEntry("role", "contributor");

        Session session = signIn(name, PASSWORD);
        ApiClient.Answer me = withSession(session, "GET", "/api/v1/auth/session", null, false);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.map()).containsEntry("csrfToken", session.csrf()).containsEntry("method", "session");
        assertThat(me.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void changesMadeWithASessionNeedItsCsrfToken() {
        Session session = signIn(newUser(Role.CONTRIBUTOR), PASSWORD);
        String card = "{\"name\": \"csrf-check\", \"task\": \"fill-mask\", \"license\": \"mit\"}";
        ApiClient.Answer without = withSession(session, "POST", "/api/v1/models", card, false);
        assertThat(without.status()).isEqualTo(403);
        assertThat(without.map().get("detail")).asString().contains("X-CSRF-Token");
        ApiClient.Answer forged = anonymousApi().send(HttpRequest.newBuilder(api.uri("/api/v1/models"))
                .header("Cookie", session.cookie()).header("X-CSRF-Token", "guessed")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(card)));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(api.get("/api/v1/models?q=csrf").items()).isEmpty();

        assertThat(withSession(session, "POST", "/api/v1/models", card, true).status()).isEqualTo(201);
        // Reads need no CSRF token.
        assertThat(withSession(session, "GET", "/api/v1/models?q=csrf", null, false).items()).hasSize(1);
    }

    @Test
    void aWrongPasswordOrUnknownNameGetsTheSameAnswerAndIsAudited() {
        String name = newUser(Role.VIEWER);
        ApiClient.Answer wrong = anonymousApi().post("/api/v1/auth/login", Map.of("username", name, "password", "not it at all"));
        ApiClient.Answer unknown = anonymousApi().post("/api/v1/auth/login", Map.of("username", "nobody-" + name, "password", PASSWORD));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.map().get("detail")).isEqualTo(unknown.map().get("detail")).isEqualTo("The username or password is wrong");
        assertThat(wrong.header("Set-Cookie")).isNull();

        List<Map<String, Object>> failures = api.get("/api/v1/audit?action=login&outcome=failure").items();
        assertThat(failures).extracting(e -> e.get("actor")).contains(name, "nobody-" + name);
        assertThat(failures).extracting(e -> String.valueOf(((Map<?, ?>) e.get("details")).get("reason")))
                .contains("wrong password", "unknown user");
    }

    @Test
    void repeatedFailuresAreThrottledUntilTheWindowPasses() {
        String name = newUser(Role.VIEWER);
        for (int i = 0; i < 5; i++) {
            assertThat(anonymousApi().post("/api/v1/auth/login", Map.of("username", name, "password", "guess " + i)).status())
                    .isEqualTo(401);
        }
        ApiClient.Answer throttled = anonymousApi().post("/api/v1/auth/login", Map.of("username", name, "password", PASSWORD));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(Integer.parseInt(throttled.header("Retry-After"))).isBetween(1, 15 * 60 + 1);
        assertThat(throttled.map().get("detail")).asString().startsWith("Too many failed sign-ins");
        assertThat(api.get("/api/v1/audit?action=login&outcome=denied").items())
                .anySatisfy(e -> assertThat(e.get("actor")).isEqualTo(name));
        // Another account from the same address is not locked out by this one's failures.
        String other = newUser(Role.VIEWER);
        assertThat(anonymousApi().post("/api/v1/auth/login", Map.of("username", other, "password", PASSWORD)).status())
                .isEqualTo(200);
    }

    @Test
    void signingOutEndsTheSession() {
        Session session = signIn(newUser(Role.VIEWER), PASSWORD);
        ApiClient.Answer out = withSession(session, "POST", "/api/v1/auth/logout", null, true);
        assertThat(out.status()).isEqualTo(204);
        assertThat(out.header("Set-Cookie")).contains("Max-Age=0");
        ApiClient.Answer after = withSession(session, "GET", "/api/v1/models", null, false);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.map().get("detail")).asString().contains("session has ended");
    }

    @Test
    void changingTheOwnPasswordNeedsTheCurrentOneAndEndsSessions() {
        String name = newUser(Role.VIEWER);
        Session session = signIn(name, PASSWORD);
        ApiClient.Answer wrongCurrent = withSession(session, "POST", "/api/v1/auth/password",
                "{\"currentPassword\": \"nope nope nope\", \"newPassword\": \"a brand new passphrase\"}", true);
        assertThat(wrongCurrent.status()).isEqualTo(400);
        assertThat(wrongCurrent.errorFields()).containsExactly("currentPassword");
        ApiClient.Answer tooShort = withSession(session, "POST", "/api/v1/auth/password",
                "{\"currentPassword\": \"" + PASSWORD + "\", \"newPassword\": \"short\"}", true);
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.errorFields()).containsExactly("newPassword");

        ApiClient.Answer changed = withSession(session, "POST", "/api/v1/auth/password",
                "{\"currentPassword\": \"" + PASSWORD + "\", \"newPassword\": \"a brand new passphrase\"}", true);
        assertThat(changed.status()).isEqualTo(204);
        assertThat(withSession(session, "GET", "/api/v1/models", null, false).status()).isEqualTo(401);
        assertThat(anonymousApi().post("/api/v1/auth/login", Map.of("username", name, "password", PASSWORD)).status())
                .isEqualTo(401);
        signIn(name, "a brand new passphrase");
    }

    @Test
    void aServiceAccountWithoutPasswordCannotSignIn() {
        ApiClient.Answer created = api.post("/api/v1/users", Map.of("username", "ci-bot", "role", "contributor"));
        assertThat(created.status()).as(created.toString()).isIn(201, 409);
        assertThat(anonymousApi().post("/api/v1/auth/login", Map.of("username", "ci-bot", "password", "anything at all"))
                .status()).isEqualTo(401);
    }

    @Test
    void badSignInBodiesNameTheField() {
        ApiClient.Answer answer = anonymousApi().post("/api/v1/auth/login", Map.of("username", "x"));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorFields()).containsExactly("password");
        assertThat(anonymousApi().post("/api/v1/auth/login", "{not json").status()).isEqualTo(400);
    }
}
