package io.modelcat.catalog.access;

import io.modelcat.credentials.IssuedToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Storage of personal API tokens and browser sessions (only hashes of their values). */
public interface CredentialRepository {

    /** Who a presented token or session cookie belongs to, and until when that holds. */
    record Holder(UUID userId, String username, Role role, Instant validUntil, String csrfToken) {
    }

    ApiToken insertToken(UUID id, UUID userId, String name, IssuedToken token, Instant expiresAt);

    /** A user's tokens, newest first; revoked and expired ones too. */
    List<ApiToken> tokensOf(UUID userId);

    Optional<ApiToken> findToken(UUID id);

    /** Revokes a token (its first revocation time stays); empty when there is none. */
    Optional<ApiToken> revokeToken(UUID id);

    /** The holder of a live token of an enabled account, recording the use; empty otherwise. */
    Optional<Holder> useToken(String tokenHash);

    /**
     * For a live runner token calling on behalf of a running bulk-test job: the job's submitter (an enabled
     * account), trusted until the runner token's end; empty otherwise.
     */
    Optional<Holder> useRunnerForJob(String runnerTokenHash, UUID jobId);

    void insertSession(UUID id, UUID userId, String tokenHash, String csrfToken, Instant expiresAt,
                       String remoteAddr, String userAgent);

    /**
     * The holder of a live session of an enabled account, extending it by {@code idle} (never past
     * {@code max} after sign-in); empty otherwise.
     */
    Optional<Holder> useSession(String tokenHash, Duration idle, Duration max);

    void deleteSession(String tokenHash);

    /** Ends every session of a user (disabled, or changed password). */
    void deleteSessionsOf(UUID userId);

    /** Removes sessions that have ended; returns how many. */
    int deleteExpiredSessions();
}
