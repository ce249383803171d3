package io.modelcat.runner.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.JobQueue;
import io.modelcat.runner.RunnerContexts;
import io.modelcat.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** A runner takes jobs only with a runner token an admin enrolled, and stops when it is revoked. */
class RunnerCredentialTest {

    @BeforeEach
    void empty() {
        TestDatabase.shared().truncateAll();
    }

    @Test
    void aRunnerWithoutATokenOrWithAStrangeOneDoesNotStart() {
        assertThatThrownBy(() -> RunnerContexts.start(Map.of("modelcat.runner.token", "")).close())
                .hasStackTraceContaining("MODELCAT_RUNNER_TOKEN is not set");
        assertThatThrownBy(() -> RunnerContexts.start(Map.of("modelcat.runner.token", "a-token-nobody-enrolled-0123456789")).close())
                .hasStackTraceContaining("not a runner token this system knows");
        // A token of its own, so that no later test makes it valid again.
        String expired = "an-expired-runner-token-0123456789abcdef";
        RunnerContexts.enroll(expired);
        TestDatabase.shared().executeHere("UPDATE runner_token SET expires_at = now() - interval '1 minute' WHERE prefix = 'an-e'");
        assertThatThrownBy(() -> RunnerContexts.start(Map.of("modelcat.runner.token", expired)).close())
                .hasStackTraceContaining("has expired");
    }

    @Test
    void aRevokedTokenTakesTheRunnerOutAtTheNextHeartbeat() throws Exception {
        try (EmbeddedServer runner = RunnerContexts.start(Map.of("modelcat.runner.heartbeat-interval", "1h"))) {
            String workerId = runner.getApplicationContext().getBean(WorkerIdentity.class).id();
            assertThat(query("SELECT t.name FROM worker w JOIN runner_token t ON t.id = w.runner_token_id WHERE w.id = '"
                    + workerId + "'")).isEqualTo("tests");

            TestDatabase.shared().executeHere("UPDATE runner_token SET revoked_at = now()");
            runner.getApplicationContext().getBean(WorkerRegistry.class).heartbeat();

            assertThat(query("SELECT count(*) FROM worker")).isEqualTo("0");
            HealthResult health = Mono.from(runner.getApplicationContext().getBean(CredentialHealth.class).getResult()).block();
            assertThat(health.getStatus()).isEqualTo(HealthStatus.DOWN);

            // A job queued now is not taken by the revoked runner.
            UUID job = UUID.randomUUID();
            TestDatabase.shared().executeHere("INSERT INTO job (id, kind, params) VALUES ('" + job + "', 'noop', '{}')");
            runner.getApplicationContext().getBean(JobQueue.class).submit(job, DeviceRequest.cpu(), 0, Instant.now());
            Thread.sleep(Duration.ofSeconds(3).toMillis());
            assertThat(query("SELECT state FROM job WHERE id = '" + job + "'")).isEqualTo("queued");
            // Its heartbeat does not bring it back.
            runner.getApplicationContext().getBean(WorkerRegistry.class).heartbeat();
            assertThat(query("SELECT count(*) FROM worker")).isEqualTo("0");
        }
    }

    private static String query(String sql) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
