package io.modelcat.hub;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link HubClient} reaches the Hub. {@link #toString()} never shows the token.
 *
 * @param endpoint       base URL of the Hub, default {@value #DEFAULT_ENDPOINT} ({@code HF_ENDPOINT})
 * @param token          access token sent as {@code Authorization: Bearer}, or {@code null} ({@code HF_TOKEN})
 * @param connectTimeout how long to wait for a TCP/TLS connection
 * @param readTimeout    how long an answer or a download may stall before it counts as a broken connection
 *                       ({@code HF_HUB_DOWNLOAD_TIMEOUT}, seconds)
 * @param maxAttempts    attempts per request or file, first one included, before a network failure is reported
 * @param initialBackoff wait before the second attempt; doubled for each further one
 * @param maxBackoff     longest wait between attempts
 */
public record HubClientSettings(
        URI endpoint,
        String token,
        Duration connectTimeout,
        Duration readTimeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubClientSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("Hub endpoint must be an http(s) URL such as " + DEFAULT_ENDPOINT
                    + ", got '" + endpoint + "'");
        }
        String text = endpoint.toString();
        if (text.endsWith("/")) {
            endpoint = URI.create(text.substring(0, text.length() - 1));
        }
        token = token == null || token.isBlank() ? null : token.strip();
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
    }

    /** The public Hub, anonymous, with the defaults below. */
    public static HubClientSettings defaults() {
        return new HubClientSettings(URI.create(DEFAULT_ENDPOINT), null, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 5, Duration.ofMillis(500), Duration.ofSeconds(10));
    }

    /** Defaults overridden by {@code HF_ENDPOINT}, {@code HF_TOKEN} (or {@code HUGGING_FACE_HUB_TOKEN}) and {@code HF_HUB_DOWNLOAD_TIMEOUT}. */
    public static HubClientSettings fromEnvironment(Map<String, String> env) {
        HubClientSettings s = defaults();
        String endpoint = env.get("HF_ENDPOINT");
        if (endpoint != null && !endpoint.isBlank()) {
            s = s.withEndpoint(URI.create(endpoint.strip()));
        }
        String token = env.getOrDefault("HF_TOKEN", env.get("HUGGING_FACE_HUB_TOKEN"));
        s = s.withToken(token);
        String timeout = env.get("HF_HUB_DOWNLOAD_TIMEOUT");
        if (timeout != null && !timeout.isBlank()) {
            try {
                s = s.withReadTimeout(Duration.ofMillis(Math.round(Double.parseDouble(timeout.strip()) * 1000)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("HF_HUB_DOWNLOAD_TIMEOUT must be a number of seconds, got '" + timeout + "'");
            }
        }
        return s;
    }

    public Optional<String> optToken() {
        return Optional.ofNullable(token);
    }

    public HubClientSettings withEndpoint(URI newEndpoint) {
        return new HubClientSettings(newEndpoint, token, connectTimeout, readTimeout, maxAttempts, initialBackoff, maxBackoff);
    }

    public HubClientSettings withToken(String newToken) {
        return new HubClientSettings(endpoint, newToken, connectTimeout, readTimeout, maxAttempts, initialBackoff, maxBackoff);
    }

    public HubClientSettings withReadTimeout(Duration newReadTimeout) {
        return new HubClientSettings(endpoint, token, connectTimeout, newReadTimeout, maxAttempts, initialBackoff, maxBackoff);
    }

    public HubClientSettings withRetries(int newMaxAttempts, Duration newInitialBackoff, Duration newMaxBackoff) {
        return new HubClientSettings(endpoint, token, connectTimeout, readTimeout, newMaxAttempts, newInitialBackoff, newMaxBackoff);
    }

    /** Wait before attempt {@code attempt + 1} (attempt counts from 1). */
    Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    @Override
    public String toString() {
        return "HubClientSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "***")
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", maxAttempts=" + maxAttempts
                + ", initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff + "]";
    }
}
