package io.modelcat.catalog.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.modelcat.catalog.problem.InvalidFieldException;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Google service account keys (the JSON a vertex connection keeps as its secret): checks them when they are set, and
 * authorizes calls with an OAuth access token minted from them by Google's auth library (the JWT-bearer flow against
 * the key's {@code token_uri}). Each connection's credentials are kept, so a token is reused until shortly before it
 * expires (the library refreshes it then), and replaced when the connection's key changes.
 */
@Singleton
public class GoogleServiceAccounts {

    /** The scope Vertex AI's calls need. */
    static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Cached(String keyDigest, GoogleCredentials credentials) {
    }

    private final Map<String, Cached> byConnection = new ConcurrentHashMap<>();

    /**
     * Checks that {@code key} is a service account key Google's library can sign with.
     *
     * @throws InvalidFieldException (400, naming {@code field}) when it is not
     */
    void check(String key, String field) {
        JsonNode json;
        try {
            json = JSON.readTree(key);
        } catch (IOException e) {
            throw new InvalidFieldException(field, "must be a Google service account key: the JSON file downloaded "
                    + "for the service account (it is not JSON)");
        }
        if (json == null || !json.isObject() || !"service_account".equals(json.path("type").asText())) {
            throw new InvalidFieldException(field, "must be a Google service account key: a JSON object with \"type\": "
                    + "\"service_account\"");
        }
        for (String required : List.of("client_email", "private_key", "token_uri")) {
            if (!json.path(required).isTextual() || json.path(required).asText().isBlank()) {
                throw new InvalidFieldException(field, "is a service account key without '" + required + "'");
            }
        }
        if (!json.path("token_uri").asText().matches("^https?://\\S+$")) {
            throw new InvalidFieldException(field, "is a service account key whose token_uri is not an http(s) URL");
        }
        try {
            parse(key);
        } catch (IOException | RuntimeException e) {
            throw new InvalidFieldException(field, "is a service account key that cannot be read: its private_key "
                    + "must be the PEM (PKCS #8) key Google issued");
        }
    }

    /** Authorizes a vertex connection's calls with an access token from its service account key. */
    ProviderClient.Signer signer(String connection, String key) {
        GoogleCredentials credentials = credentials(connection, key);
        return (method, uri, headers, body) -> Map.of("Authorization", "Bearer " + token(connection, credentials));
    }

    private GoogleCredentials credentials(String connection, String key) {
        String digest = digest(key);
        Cached cached = byConnection.compute(connection, (name, old) -> {
            if (old != null && old.keyDigest().equals(digest)) {
                return old;
            }
            try {
                return new Cached(digest, parse(key));
            } catch (IOException | RuntimeException e) {
                // Checked when set; a key that no longer parses is refused when called (the signer says so).
                return new Cached(digest, null);
            }
        });
        return cached.credentials();
    }

    private static String token(String connection, GoogleCredentials credentials) throws ProviderClient.Unreachable {
        if (credentials == null) {
            throw new ProviderClient.Unreachable("connection '" + connection + "' has a service account key that "
                    + "cannot be read; set its apiKey again", null);
        }
        try {
            credentials.refreshIfExpired();
            AccessToken token = credentials.getAccessToken();
            if (token == null) {
                throw new IOException("the token endpoint answered no access token");
            }
            return token.getTokenValue();
        } catch (IOException | RuntimeException e) {
            // The library's message holds the token endpoint's status, URL and answer (Google's error_description).
            String why = e.getMessage() == null ? e.getClass().getSimpleName()
                    : String.join(" ", e.getMessage().lines().map(String::strip).toList());
            why = why.length() > 500 ? why.substring(0, 500) + "…" : why;
            throw new ProviderClient.Unreachable("connection '" + connection + "' could not get an access token for "
                    + "its service account: " + why, e);
        }
    }

    private static GoogleCredentials parse(String key) throws IOException {
        return ServiceAccountCredentials.fromStream(new ByteArrayInputStream(key.getBytes(StandardCharsets.UTF_8)))
                .createScoped(List.of(CLOUD_PLATFORM));
    }

    private static String digest(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
