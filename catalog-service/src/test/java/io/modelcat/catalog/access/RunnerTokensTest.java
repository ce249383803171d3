package io.modelcat.catalog.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.credentials.RunnerTokens;
import io.modelcat.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runner tokens: admins issue and revoke them; one given as MODELCAT_RUNNER_TOKEN is enrolled at start. */
@MicronautTest(transactional = false)
class RunnerTokensTest extends CatalogTestBase {

    @Test
    void anIssuedTokenIsShownOnceAndChecksUntilRevoked() throws SQLException {
        ApiClient.Answer issued = api.post("/api/v1/runner-tokens", Map.of("name", "gpu-box-1", "expiresInDays", 30));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        String value = (String) issued.map().get("value");
        assertThat(value).startsWith("mc_run_");
        @SuppressWarnings("unchecked")
        Map<String, Object> token = (Map<String, Object>) issued.map().get("token");
        assertThat(token).containsEntry("name", "gpu-box-1").containsEntry("createdBy", "test-admin")
                .containsEntry("active", true);
        assertThat(api.get("/api/v1/runner-tokens").body()).doesNotContain(value).contains("gpu-box-1");

        try (Connection c = TestDatabase.shared().dataSource().getConnection()) {
            assertThat(RunnerTokens.check(c, value).status()).isEqualTo(RunnerTokens.Status.VALID);
            ApiClient.Answer revoked = api.delete("/api/v1/runner-tokens/" + token.get("id"));
            assertThat(revoked.map()).containsEntry("active", false);
            assertThat(RunnerTokens.check(c, value).status()).isEqualTo(RunnerTokens.Status.REVOKED);
        }
        List<Map<String, Object>> audit = api.get("/api/v1/audit?action=runner-token.&targetId=" + token.get("id")).items();
        assertThat(audit).extracting(e -> e.get("action")).containsExactly("runner-token.revoke", "runner-token.create");
        assertThat(api.delete("/api/v1/runner-tokens/00000000-0000-4000-8000-000000000000").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/runner-tokens", Map.of("name", "")).errorFields()).containsExactly("name");
    }

    @Test
    void aConfiguredTokenIsEnrolledAtStartAndAShortOneIsRefused() throws SQLException {
        TestDatabase db = TestDatabase.shared().freshDatabase();
        Map<String, Object> properties = new HashMap<>(db.micronautProperties());
        properties.put("micronaut.server.port", -1);
        properties.put("modelcat.home", home.toString());
        properties.put("modelcat.admin-password", "an admin password");
        String configured = "a-deployment-wide-runner-token-0123456789";
        properties.put("modelcat.runner.token", configured);
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            try (Connection c = db.dataSource().getConnection()) {
                RunnerTokens.Verdict verdict = RunnerTokens.check(c, configured);
                assertThat(verdict.status()).isEqualTo(RunnerTokens.Status.VALID);
                assertThat(verdict.token().name()).isEqualTo("MODELCAT_RUNNER_TOKEN");
                assertThat(verdict.token().prefix()).isEqualTo("a-de");
            }
        }
        properties.put("modelcat.runner.token", "too-short");
        assertThatThrownBy(() -> ApplicationContext.run(properties).close())
                .hasStackTraceContaining("MODELCAT_RUNNER_TOKEN must be at least 32 characters");
    }
}
