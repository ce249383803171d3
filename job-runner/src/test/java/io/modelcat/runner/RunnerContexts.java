package io.modelcat.runner;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.credentials.RunnerTokens;
import io.modelcat.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** Starts real job-runner instances (HTTP server, Quartz member, heartbeat) against the test database. */
public final class RunnerContexts {

    /** The runner token the test runners start with, enrolled before each start. */
    public static final String TOKEN = "test-runner-token-0123456789abcdefghijklmnopqrstuvwxyz";

    private RunnerContexts() {
    }

    public static EmbeddedServer start(Map<String, Object> extra) {
        enroll(TOKEN);
        Map<String, Object> properties = new HashMap<>(TestDatabase.shared().micronautProperties());
        properties.put("micronaut.server.port", -1);
        properties.put("modelcat.runner.use-gpus", false);
        properties.put("modelcat.runner.token", TOKEN);
        properties.putAll(extra);
        return ApplicationContext.run(EmbeddedServer.class, properties, "test");
    }

    /** Enrols a runner token in the test database, as catalog-service does with MODELCAT_RUNNER_TOKEN. */
    public static void enroll(String token) {
        try (Connection c = TestDatabase.shared().dataSource().getConnection()) {
            RunnerTokens.enrollIfAbsent(c, "tests", token, "tests");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
