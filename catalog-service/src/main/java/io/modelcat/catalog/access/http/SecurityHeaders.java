package io.modelcat.catalog.access.http;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Hardening headers on every answer: the UI runs only its own scripts and styles and cannot be
 * framed (click-jacking), browsers never guess content types, no referrer leaves the site, and API
 * answers (which may hold private data) are never cached. The API explorer's page keeps its one
 * inline script.
 */
@ServerFilter("/**")
public class SecurityHeaders implements Ordered {

    static final String UI_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            + "frame-ancestors 'none'";
    static final String EXPLORER_POLICY = UI_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
            .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

    @Override
    public int getOrder() {
        // Outermost, so that answers given early by other filters (401, 403) get the headers too.
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @ResponseFilter
    public void addHeaders(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String path = request.getPath();
        response.header("Content-Security-Policy", path.startsWith("/swagger-ui/") ? EXPLORER_POLICY : UI_POLICY);
        response.header("X-Content-Type-Options", "nosniff");
        response.header("X-Frame-Options", "DENY");
        response.header("Referrer-Policy", "no-referrer");
        if (path.startsWith("/api/") && !response.getHeaders().contains("Cache-Control")) {
            response.header("Cache-Control", "no-store");
        }
    }
}
