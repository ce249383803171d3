package io.modelcat.catalog.access.http;

import io.micronaut.http.HttpRequest;
import io.modelcat.catalog.access.AuthSettings;

/** The client's address: the connection's, or the first one in the trusted proxy's header when one is configured. */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(HttpRequest<?> request, AuthSettings settings) {
        if (settings.clientAddressHeader() != null) {
            String forwarded = request.getHeaders().get(settings.clientAddressHeader());
            if (forwarded != null && !forwarded.isBlank()) {
                String first = forwarded.split(",")[0].trim();
                return first.length() > 64 ? first.substring(0, 64) : first;
            }
        }
        return request.getRemoteAddress().getAddress().getHostAddress();
    }
}
