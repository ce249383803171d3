package io.modelcat.catalog.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.testsupport.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Accounts and personal API tokens: what admins and users may do with them, and when tokens stop working. */
@MicronautTest(transactional = false)
class AccountsTest extends CatalogTestBase {

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Map<String, Object> newUser(String role) {
        ApiClient.Answer created = api.post("/api/v1/users", Map.of("username", unique("u"), "role", role));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.map();
    }

    /** A token for a user, made by the admin; its value. */
    private String tokenFor(Object userId) {
        ApiClient.Answer issued = api.post("/api/v1/users/" + userId + "/tokens", Map.of("name", "test"));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        return (String) issued.map().get("value");
    }

    @Test
    void aTokenIsShownOnceListedByItsPrefixAndWorksUntilRevoked() {
        ApiClient viewer = apiAs(Role.VIEWER);
        ApiClient.Answer issued = viewer.post("/api/v1/tokens", Map.of("name", "notebook", "expiresInDays", 7));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        String value = (String) issued.map().get("value");
        @SuppressWarnings("unchecked")
        Map<String, Object> token = (Map<String, Object>) issued.map().get("token");
        assertThat(value).startsWith("mc_pat_").startsWith((String) token.get("prefix"));
        assertThat(token).containsEntry("name", "notebook").containsEntry("username", "test-viewer");

        ApiClient.Answer list = viewer.get("/api/v1/tokens");
        assertThat(list.body()).doesNotContain(value);
        assertThat(list.list()).extracting(t -> t.get("id")).contains(token.get("id"));
        assertThat(storedTokenHashes()).contains(io.modelcat.credentials.IssuedToken.hash(value)).doesNotContain(value);

        ApiClient withToken = viewer.as(value);
        assertThat(withToken.get("/api/v1/models").status()).isEqualTo(200);
        assertThat(withToken.get("/api/v1/tokens/" + token.get("id")).status()).isEqualTo(405);
        ApiClient.Answer revoked = withToken.delete("/api/v1/tokens/" + token.get("id"));
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.map().get("revokedAt")).isNotNull();
        ApiClient.Answer after = withToken.get("/api/v1/models");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(after.map().get("detail")).asString().contains("unknown, revoked or expired");
    }

    private static List<String> storedTokenHashes() {
        try (java.sql.Connection c = TestDatabase.shared().dataSource().getConnection();
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT token_hash FROM api_token")) {
            List<String> hashes = new java.util.ArrayList<>();
            while (rs.next()) {
                hashes.add(rs.getString(1));
            }
            return hashes;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anExpiredTokenStopsWorking() {
        ApiClient.Answer issued = apiAs(Role.CONTRIBUTOR).post("/api/v1/tokens", Map.of("name", "short-lived"));
        String value = (String) issued.map().get("value");
        @SuppressWarnings("unchecked")
        Object id = ((Map<String, Object>) issued.map().get("token")).get("id");
        TestDatabase.shared().executeHere("UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = '" + id + "'");
        assertThat(anonymousApi().as(value).get("/api/v1/models").status()).isEqualTo(401);
    }

    @Test
    void tokenLifetimesAreBounded() {
        ApiClient.Answer tooLong = apiAs(Role.VIEWER).post("/api/v1/tokens", Map.of("name", "forever", "expiresInDays", 400));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.errorFields()).containsExactly("expiresInDays");
        ApiClient.Answer noName = apiAs(Role.VIEWER).post("/api/v1/tokens", Map.of("expiresInDays", 3));
        assertThat(noName.errorFields()).containsExactly("name");
        ApiClient.Answer defaults = apiAs(Role.VIEWER).post("/api/v1/tokens", Map.of("name", "default life"));
        @SuppressWarnings("unchecked")
        String expiresAt = (String) ((Map<String, Object>) defaults.map().get("token")).get("expiresAt");
        assertThat(java.time.Instant.parse(expiresAt)).isBetween(java.time.Instant.now().plus(java.time.Duration.ofDays(89)),
                java.time.Instant.now().plus(java.time.Duration.ofDays(91)));
    }

    @Test
    void otherPeoplesTokensAreOffLimitsButToAdmins() {
        ApiClient.Answer mine = apiAs(Role.CONTRIBUTOR).post("/api/v1/tokens", Map.of("name", "mine"));
        @SuppressWarnings("unchecked")
        Object id = ((Map<String, Object>) mine.map().get("token")).get("id");
        ApiClient.Answer byViewer = apiAs(Role.VIEWER).delete("/api/v1/tokens/" + id);
        assertThat(byViewer.status()).isEqualTo(403);
        assertThat(byViewer.map().get("detail")).asString().contains("only the owner");
        assertThat(api.get("/api/v1/users/" + account(Role.CONTRIBUTOR).id() + "/tokens").list())
                .extracting(t -> t.get("id")).contains(id);
        assertThat(api.delete("/api/v1/tokens/" + id).status()).isEqualTo(200);
    }

    @Test
    void aRunnerTokenOrAnyOtherStringIsNotAnApiToken() {
        ApiClient.Answer runner = anonymousApi().as("mc_run_abcdefabcdefabcdef").get("/api/v1/models");
        assertThat(runner.status()).isEqualTo(401);
        assertThat(runner.map().get("detail")).asString().contains("not a personal API token");
        ApiClient.Answer basic = anonymousApi().send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/models"))
                .header("Authorization", "Basic YWRtaW46YWRtaW4="));
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.map().get("detail")).asString().contains("Bearer");
        ApiClient.Answer none = anonymousApi().get("/api/v1/models");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.map().get("detail")).asString().contains("Sign in");
    }

    @Test
    void adminsManageAccountsWithClearErrors() {
        ApiClient.Answer bad = api.post("/api/v1/users", Map.of("username", "../etc", "role", "superuser", "password", "short"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorFields()).containsExactly("username");
        ApiClient.Answer badRole = api.post("/api/v1/users", Map.of("username", unique("x"), "role", "superuser"));
        assertThat(badRole.errorFields()).containsExactly("role");
        assertThat(badRole.map().get("detail")).asString().contains("viewer, contributor, admin");
        ApiClient.Answer shortPassword = api.post("/api/v1/users", Map.of("username", unique("x"), "role", "viewer",
                "password", "short"));
        assertThat(shortPassword.errorFields()).containsExactly("password");

        String name = unique("Dana");
        assertThat(api.post("/api/v1/users", Map.of("username", name, "role", "viewer")).status()).isEqualTo(201);
        ApiClient.Answer taken = api.post("/api/v1/users", Map.of("username", name.toLowerCase(), "role", "viewer"));
        assertThat(taken.status()).isEqualTo(409);

        assertThat(api.get("/api/v1/users").body()).doesNotContain("pbkdf2").doesNotContain("password_hash");
        assertThat(api.get("/api/v1/audit?action=user.create&limit=200").items())
                .anySatisfy(e -> assertThat(((Map<?, ?>) e.get("details")).get("username")).isEqualTo(name));
    }

    @Test
    void aRoleChangeOrDisablingTakesEffectAtOnce() {
        Map<String, Object> user = newUser("viewer");
        ApiClient their = anonymousApi().as(tokenFor(user.get("id")));
        assertThat(their.post("/api/v1/models", aModel("by-viewer")).status()).isEqualTo(403);

        ApiClient.Answer promoted = api.patch("/api/v1/users/" + user.get("id"), Map.of("role", "contributor"));
        assertThat(promoted.map()).containsEntry("role", "contributor");
        assertThat(their.post("/api/v1/models", aModel("by-contributor")).status()).isEqualTo(201);

        api.patch("/api/v1/users/" + user.get("id"), Map.of("disabled", true));
        ApiClient.Answer disabled = their.get("/api/v1/models");
        assertThat(disabled.status()).isEqualTo(401);
        assertThat(disabled.map().get("detail")).asString().contains("disabled");
        List<Map<String, Object>> audit = api.get("/api/v1/audit?action=user.update&targetId=" + user.get("id")).items();
        assertThat(audit).hasSize(2);
        assertThat(audit.get(0).get("details")).asString().contains("disabled=true");
    }

    @Test
    void theLastAdminStaysAnAdmin() {
        // Make sure test-admin is the only enabled admin.
        TestDatabase.shared().executeHere("UPDATE app_user SET disabled = true WHERE role = 'admin' AND username <> 'test-admin'");
        Object adminId = account(Role.ADMIN).id();
        ApiClient.Answer demote = api.patch("/api/v1/users/" + adminId, Map.of("role", "viewer"));
        assertThat(demote.status()).isEqualTo(409);
        assertThat(demote.map().get("detail")).asString().contains("last enabled admin");
        assertThat(api.patch("/api/v1/users/" + adminId, Map.of("disabled", true)).status()).isEqualTo(409);
        assertThat(api.get("/api/v1/users/" + adminId).map()).containsEntry("role", "admin").containsEntry("disabled", false);
    }
}
