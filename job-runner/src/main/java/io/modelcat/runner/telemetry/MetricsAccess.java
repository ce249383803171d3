package io.modelcat.runner.telemetry;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may scrape this runner's meters: whoever presents {@code MODELCAT_METRICS_TOKEN} as a bearer token. Without
 * that setting nobody may (the endpoint refuses by default, like the catalog's API).
 */
@Singleton
public class MetricsAccess {

    /** What a scrape request gets. */
    public enum Decision { ALLOWED, NOT_CONFIGURED, NO_TOKEN, WRONG_TOKEN }

    private final byte[] token;

    public MetricsAccess(@Nullable @Value("${modelcat.metrics.token:}") String token) {
        this.token = token == null || token.isBlank() ? null : token.strip().getBytes(StandardCharsets.UTF_8);
    }

    /** Decides on the request's {@code Authorization} header (null when absent). */
    public Decision decide(@Nullable String authorization) {
        if (token == null) {
            return Decision.NOT_CONFIGURED;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Decision.NO_TOKEN;
        }
        byte[] sent = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(sent, token) ? Decision.ALLOWED : Decision.WRONG_TOKEN;
    }
}
