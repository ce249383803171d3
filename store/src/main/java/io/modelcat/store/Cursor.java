package io.modelcat.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Where a page of a list ended: the list's order, the last row's sort key (as text) and its id (a UUID, or a
 * number). The one cursor of every list (models, jobs, datasets, the audit log); clients see it as an opaque,
 * URL-safe token and send it back to continue.
 */
public record Cursor(String order, String key, String id) {

    private static final char SEPARATOR = '\n';

    public Cursor {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(id, "id");
        if (order.indexOf(SEPARATOR) >= 0 || id.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("a cursor's order and id hold no line breaks");
        }
    }

    /** A cursor after the row with this key and id (each as its text). */
    public static Cursor of(String order, Object key, Object id) {
        return new Cursor(order, String.valueOf(key), String.valueOf(id));
    }

    /** The token for clients. */
    public String encode() {
        String raw = order + SEPARATOR + id + SEPARATOR + key;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a token from {@link #encode()}; empty when it is not one. Whether it fits a list is the list's to say. */
    public static Optional<Cursor> decode(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int first = raw.indexOf(SEPARATOR);
        int second = raw.indexOf(SEPARATOR, first + 1);
        if (first < 0 || second < 0) {
            return Optional.empty();
        }
        return Optional.of(new Cursor(raw.substring(0, first), raw.substring(second + 1), raw.substring(first + 1, second)));
    }

    /** Whether this cursor belongs to a list in {@code order}. */
    public boolean isFor(String order) {
        return this.order.equals(order);
    }

    /** The id as a UUID; empty when it is not one. */
    public Optional<UUID> uuid() {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The id as a number; empty when it is not one. */
    public OptionalLong number() {
        try {
            return OptionalLong.of(Long.parseLong(id));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The key as an instant, as {@link Instant#toString()} writes it; empty when it is not one. */
    public Optional<Instant> instantKey() {
        try {
            return Optional.of(Instant.parse(key));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
