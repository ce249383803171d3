package io.modelcat.catalog.access;

import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.credentials.IssuedToken;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Personal API tokens: made for a user (by themselves, or by an admin for a service account), listed, revoked. */
@Singleton
public class ApiTokenService {

    private final CredentialRepository credentials;
    private final UserService users;
    private final Authenticator authenticator;
    private final AuthSettings settings;
    private final AuditLog audit;

    public ApiTokenService(CredentialRepository credentials, UserService users, Authenticator authenticator,
                           AuthSettings settings, AuditLog audit) {
        this.credentials = credentials;
        this.users = users;
        this.authenticator = authenticator;
        this.settings = settings;
        this.audit = audit;
    }

    /** Issues a token for {@code userId}; its value is in the answer and nowhere else. */
    public AccountRequests.IssuedApiToken issue(UUID userId, AccountRequests.CreateToken request, Caller by) {
        User owner = users.get(userId);
        by.requireOwnerOrAdmin(owner.id(), "the account '" + owner.username() + "'");
        int days = request.expiresInDays() == null ? settings.tokenDefaultDays() : request.expiresInDays();
        if (days > settings.tokenMaxDays()) {
            throw new InvalidFieldException("expiresInDays", "must be at most " + settings.tokenMaxDays()
                    + " (modelcat.auth.token-max-days), got " + days);
        }
        IssuedToken token = IssuedToken.generate(IssuedToken.PERSONAL);
        ApiToken stored = credentials.insertToken(UUID.randomUUID(), owner.id(), request.name().trim(), token,
                Instant.now().plus(Duration.ofDays(days)));
        audit.record(by.did("token.create", "api_token", stored.id(),
                Map.of("name", stored.name(), "owner", owner.username(), "expiresAt", stored.expiresAt().toString())));
        return new AccountRequests.IssuedApiToken(stored, token.value());
    }

    /** A user's tokens: their own, or anyone's for an admin. */
    public List<ApiToken> tokensOf(UUID userId, Caller by) {
        by.requireOwnerOrAdmin(userId, "the account " + userId);
        return credentials.tokensOf(userId);
    }

    /** Revokes a token of the caller's own, or anyone's for an admin; it stops working at once. */
    public ApiToken revoke(UUID tokenId, Caller by) {
        ApiToken token = credentials.findToken(tokenId)
                .orElseThrow(() -> new NotFoundException("no API token has id " + tokenId));
        by.requireOwnerOrAdmin(token.userId(), "API token " + tokenId);
        ApiToken revoked = credentials.revokeToken(tokenId).orElseThrow();
        authenticator.forgetAll();
        audit.record(by.did("token.revoke", "api_token", tokenId, Map.of("name", token.name(), "owner", token.username())));
        return revoked;
    }
}
