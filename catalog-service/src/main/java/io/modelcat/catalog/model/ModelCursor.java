package io.modelcat.catalog.model;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/** Where a page ended: the sort it belongs to, the last row's sort key (as PostgreSQL text) and id. */
public record ModelCursor(ModelSort sort, String key, UUID id) {

    private static final char SEPARATOR = '\n';

    /** An opaque, URL-safe token for clients. */
    public String encode() {
        String raw = sort.wireName() + SEPARATOR + id + SEPARATOR + key;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a token from {@link #encode()}; empty when it is malformed. */
    public static Optional<ModelCursor> decode(String token) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int first = raw.indexOf(SEPARATOR);
            int second = raw.indexOf(SEPARATOR, first + 1);
            if (first < 0 || second < 0) {
                return Optional.empty();
            }
            Optional<ModelSort> sort = ModelSort.fromWireName(raw.substring(0, first));
            UUID id = UUID.fromString(raw.substring(first + 1, second));
            return sort.map(s -> new ModelCursor(s, raw.substring(second + 1), id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
