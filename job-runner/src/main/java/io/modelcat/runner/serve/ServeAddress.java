package io.modelcat.runner.serve;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.modelcat.runner.worker.WorkerIdentity;
import jakarta.inject.Singleton;

/**
 * Where the gateway reaches this runner for the deployment instances placed on it: its own HTTP port,
 * at {@code modelcat.runner.serve-url} when set (a name or address the catalog services can reach),
 * else at this machine's host name. With {@code modelcat.runner.serving: false} the runner serves
 * nothing and gets no instances.
 */
@Singleton
public class ServeAddress {

    private final String url;

    public ServeAddress(WorkerIdentity identity, @Value("${modelcat.runner.serving:true}") boolean serving,
                        @Nullable @Value("${modelcat.runner.serve-url:}") String configured,
                        @Value("${micronaut.server.port:8081}") int port) {
        if (!serving) {
            url = null;
        } else if (configured != null && !configured.isBlank()) {
            url = configured.strip().replaceAll("/+$", "");
        } else {
            url = "http://" + identity.host() + ":" + port;
        }
    }

    /** The base URL, or null when this runner does not serve. */
    public @Nullable String url() {
        return url;
    }
}
