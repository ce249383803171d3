package io.modelcat.catalog.access;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Duration;

/** The access-control settings (modelcat.auth.*), with their defaults; documented in docs/configuration.md. */
@Singleton
public final class AuthSettings {

    private final Duration sessionIdle;
    private final Duration sessionMax;
    private final int tokenMaxDays;
    private final int tokenDefaultDays;
    private final int maxFailuresPerUser;
    private final int maxFailuresPerAddress;
    private final Duration failureWindow;
    private final int passwordMinLength;
    private final Duration cacheTtl;
    private final String cookieSecure;
    private final String clientAddressHeader;

    public AuthSettings(@Value("${modelcat.auth.session-idle:12h}") Duration sessionIdle,
                        @Value("${modelcat.auth.session-max:7d}") Duration sessionMax,
                        @Value("${modelcat.auth.token-max-days:365}") int tokenMaxDays,
                        @Value("${modelcat.auth.token-default-days:90}") int tokenDefaultDays,
                        @Value("${modelcat.auth.login-max-failures:5}") int maxFailuresPerUser,
                        @Value("${modelcat.auth.login-max-failures-per-address:50}") int maxFailuresPerAddress,
                        @Value("${modelcat.auth.login-failure-window:15m}") Duration failureWindow,
                        @Value("${modelcat.auth.password-min-length:12}") int passwordMinLength,
                        @Value("${modelcat.auth.cache-ttl:10s}") Duration cacheTtl,
                        @Value("${modelcat.auth.cookie-secure:auto}") String cookieSecure,
                        @Nullable @Value("${modelcat.auth.client-address-header:}") String clientAddressHeader) {
        this.sessionIdle = sessionIdle;
        this.sessionMax = sessionMax;
        this.tokenMaxDays = tokenMaxDays;
        this.tokenDefaultDays = Math.min(tokenDefaultDays, tokenMaxDays);
        this.maxFailuresPerUser = maxFailuresPerUser;
        this.maxFailuresPerAddress = maxFailuresPerAddress;
        this.failureWindow = failureWindow;
        this.passwordMinLength = passwordMinLength;
        this.cacheTtl = cacheTtl;
        if (!cookieSecure.equals("auto") && !cookieSecure.equals("true") && !cookieSecure.equals("false")) {
            throw new IllegalArgumentException("modelcat.auth.cookie-secure must be auto, true or false, got '"
                    + cookieSecure + "'");
        }
        this.cookieSecure = cookieSecure;
        this.clientAddressHeader = clientAddressHeader == null || clientAddressHeader.isBlank() ? null
                : clientAddressHeader.trim();
    }

    /** A session unused this long ends. */
    public Duration sessionIdle() {
        return sessionIdle;
    }

    /** A session ends this long after sign-in, however busy. */
    public Duration sessionMax() {
        return sessionMax;
    }

    /** The longest life of a personal API token, in days. */
    public int tokenMaxDays() {
        return tokenMaxDays;
    }

    /** The life of a personal API token when its request names none, in days. */
    public int tokenDefaultDays() {
        return tokenDefaultDays;
    }

    /** Failed sign-ins of one username within the window after which it must wait. */
    public int maxFailuresPerUser() {
        return maxFailuresPerUser;
    }

    /** Failed sign-ins from one address within the window after which it must wait. */
    public int maxFailuresPerAddress() {
        return maxFailuresPerAddress;
    }

    public Duration failureWindow() {
        return failureWindow;
    }

    public int passwordMinLength() {
        return passwordMinLength;
    }

    /**
     * How long a checked token or session is trusted without asking the database again: revoking a
     * token, disabling a user or changing a role takes effect at once on the service that did it and
     * within this time on the others.
     */
    public Duration cacheTtl() {
        return cacheTtl;
    }

    /** {@code auto} (Secure when the request came over HTTPS), {@code true} or {@code false}. */
    public String cookieSecure() {
        return cookieSecure;
    }

    /** A header naming the client's address (set by a trusted proxy), or null to use the connection's. */
    public String clientAddressHeader() {
        return clientAddressHeader;
    }
}
