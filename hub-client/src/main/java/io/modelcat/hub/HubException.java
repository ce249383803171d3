package io.modelcat.hub;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** Any failure talking to the Hub or importing from it; {@link #kind()} says which, {@link #isTransient()} whether a retry may help. */
public final class HubException extends RuntimeException {

    /** What went wrong, coarse enough for callers to branch on. */
    public enum Kind {
        /** 404, or the Hub's {@code RepoNotFound} / {@code RevisionNotFound} / {@code EntryNotFound}. */
        NOT_FOUND(false),
        /** 401 / 403: gated model whose licence was not accepted, a private repo, or a bad token. */
        GATED_OR_PRIVATE(false),
        /** 429; {@link #retryAfter()} says when to come back. */
        RATE_LIMITED(true),
        /** Connection failures, timeouts, broken transfers and 5xx answers. */
        NETWORK(true),
        /** A downloaded file's SHA-256 differs from what the Hub advertised. */
        CHECKSUM_MISMATCH(false),
        /** The repository cannot be imported: pickle-only weights, unsupported task, missing files. */
        UNSUPPORTED(false),
        /** A local file could not be written, moved or deleted. */
        STORAGE(false),
        /** The Hub answered something this client does not understand. */
        INVALID_RESPONSE(false);

        private final boolean transientByDefault;

        Kind(boolean transientByDefault) {
            this.transientByDefault = transientByDefault;
        }

        public boolean isTransient() {
            return transientByDefault;
        }
    }

    private final Kind kind;
    private final int httpStatus;
    private final Duration retryAfter;

    public HubException(Kind kind, String message) {
        this(kind, message, 0, null, null);
    }

    public HubException(Kind kind, String message, Throwable cause) {
        this(kind, message, 0, null, cause);
    }

    public HubException(Kind kind, String message, int httpStatus, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether trying again later may succeed (rate limits, network trouble). */
    public boolean isTransient() {
        return kind.isTransient();
    }

    /** The HTTP status the Hub answered with, or 0 when the failure was not an HTTP answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** For {@link Kind#RATE_LIMITED}: how long the Hub asked us to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
