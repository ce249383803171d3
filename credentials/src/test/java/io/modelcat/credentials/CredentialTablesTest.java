package io.modelcat.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcat.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runner tokens and secrets in the real schema. */
class CredentialTablesTest {

    private final TestDatabase db = TestDatabase.shared();

    @BeforeEach
    void empty() {
        db.executeHere("TRUNCATE runner_token, secret CASCADE");
    }

    @Test
    void anIssuedRunnerTokenChecksUntilRevoked() throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            RunnerTokens.Issued issued = RunnerTokens.issue(c, "gpu-box-1", "admin", null);
            assertThat(issued.token().value()).startsWith("mc_run_");

            RunnerTokens.Verdict verdict = RunnerTokens.check(c, issued.token().value());
            assertThat(verdict.status()).isEqualTo(RunnerTokens.Status.VALID);
            assertThat(verdict.token().name()).isEqualTo("gpu-box-1");
            assertThat(RunnerTokens.find(c, issued.record().id()).orElseThrow().lastUsedAt()).isNotNull();

            assertThat(RunnerTokens.check(c, issued.token().value() + "x").status()).isEqualTo(RunnerTokens.Status.UNKNOWN);

            Instant revokedAt = RunnerTokens.revoke(c, issued.record().id()).orElseThrow().revokedAt();
            assertThat(revokedAt).isNotNull();
            assertThat(RunnerTokens.check(c, issued.token().value()).status()).isEqualTo(RunnerTokens.Status.REVOKED);
            assertThat(RunnerTokens.revoke(c, issued.record().id()).orElseThrow().revokedAt()).isEqualTo(revokedAt);
        }
    }

    @Test
    void anExpiredRunnerTokenIsRefused() throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            RunnerTokens.Issued issued = RunnerTokens.issue(c, "old", "admin", Instant.now().minus(Duration.ofMinutes(1)));
            assertThat(RunnerTokens.check(c, issued.token().value()).status()).isEqualTo(RunnerTokens.Status.EXPIRED);
        }
    }

    @Test
    void anEnvironmentTokenIsEnrolledOnceAndStaysRevoked() throws SQLException {
        String value = "a-deployment-chosen-runner-token-0123456789";
        try (Connection c = db.dataSource().getConnection()) {
            RunnerTokens.enrollIfAbsent(c, "from MODELCAT_RUNNER_TOKEN", value, "system");
            RunnerTokens.enrollIfAbsent(c, "from MODELCAT_RUNNER_TOKEN", value, "system");
            assertThat(RunnerTokens.list(c)).hasSize(1);
            RunnerTokens.RunnerToken token = RunnerTokens.list(c).get(0);
            assertThat(token.prefix()).isEqualTo("a-de");
            RunnerTokens.revoke(c, token.id());
            RunnerTokens.enrollIfAbsent(c, "from MODELCAT_RUNNER_TOKEN", value, "system");
            assertThat(RunnerTokens.check(c, value).status()).isEqualTo(RunnerTokens.Status.REVOKED);
        }
    }

    @Test
    void secretsAreStoredEncryptedAndReadBackWithTheKey() throws SQLException {
        SecretStore store = new SecretStore(SecretCipher.of(SecretCipher.generateKey()));
        try (Connection c = db.dataSource().getConnection()) {
            store.put(c, SecretStore.HUGGING_FACE_TOKEN, "hf_secret_value", "admin");
            try (var rs = c.createStatement().executeQuery("SELECT ciphertext FROM secret")) {
                rs.next();
                assertThat(new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("hf_secret");
            }
            assertThat(store.read(c, SecretStore.HUGGING_FACE_TOKEN)).contains("hf_secret_value");
            store.put(c, SecretStore.HUGGING_FACE_TOKEN, "hf_second", "admin2");
            assertThat(store.read(c, SecretStore.HUGGING_FACE_TOKEN)).contains("hf_second");
            assertThat(store.list(c)).singleElement().satisfies(info -> {
                assertThat(info.updatedBy()).isEqualTo("admin2");
                assertThat(info.readable()).isTrue();
            });

            SecretStore otherKey = new SecretStore(SecretCipher.of(SecretCipher.generateKey()));
            assertThat(otherKey.list(c).get(0).readable()).isFalse();
            assertThatThrownBy(() -> otherKey.read(c, SecretStore.HUGGING_FACE_TOKEN))
                    .isInstanceOf(SecretUnreadableException.class);

            SecretStore noKey = new SecretStore(null);
            assertThat(noKey.canEncrypt()).isFalse();
            assertThatThrownBy(() -> noKey.put(c, "x", "y", "admin")).hasMessageContaining("MODELCAT_SECRET_KEY");

            assertThat(store.delete(c, SecretStore.HUGGING_FACE_TOKEN)).isTrue();
            assertThat(store.read(c, SecretStore.HUGGING_FACE_TOKEN)).isEmpty();
        }
    }
}
