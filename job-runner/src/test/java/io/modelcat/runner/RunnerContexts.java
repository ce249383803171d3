package io.modelcat.runner;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.testsupport.TestDatabase;
import java.util.HashMap;
import java.util.Map;

/** Starts real job-runner instances (HTTP server, Quartz member, heartbeat) against the test database. */
public final class RunnerContexts {

    private RunnerContexts() {
    }

    public static EmbeddedServer start(Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(TestDatabase.shared().micronautProperties());
        properties.put("micronaut.server.port", -1);
        properties.put("modelcat.runner.use-gpus", false);
        properties.putAll(extra);
        return ApplicationContext.run(EmbeddedServer.class, properties, "test");
    }
}
