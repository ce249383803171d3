package io.modelcat.catalog.access.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.modelcat.catalog.access.AuthSettings;
import java.time.Duration;
import java.time.Instant;

/** The session cookie: HttpOnly, SameSite=Strict, and Secure over HTTPS (or as configured). */
final class SessionCookies {

    private SessionCookies() {
    }

    static Cookie of(String value, Instant expiresAt, HttpRequest<?> request, AuthSettings settings) {
        return base(value, request, settings).maxAge(Duration.between(Instant.now(), expiresAt).toSeconds());
    }

    /** A cookie that makes the browser forget the session. */
    static Cookie expired(HttpRequest<?> request, AuthSettings settings) {
        return base("", request, settings).maxAge(0);
    }

    private static Cookie base(String value, HttpRequest<?> request, AuthSettings settings) {
        boolean secure = switch (settings.cookieSecure()) {
            case "true" -> true;
            case "false" -> false;
            default -> request.isSecure() || "https".equalsIgnoreCase(request.getHeaders().get("X-Forwarded-Proto"));
        };
        return Cookie.of(AccessFilter.SESSION_COOKIE, value).httpOnly(true).secure(secure).sameSite(SameSite.Strict)
                .path("/");
    }
}
