package io.modelcat.catalog.access;

import io.micronaut.scheduling.annotation.Scheduled;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.problem.UnauthenticatedException;
import io.modelcat.credentials.IssuedToken;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Signs people in and out of the web UI: password check, throttling, sessions, audit. */
@Singleton
public class SignInService {

    /** The answer to any failed sign-in: it never says whether the name or the password was wrong. */
    static final String WRONG = "The username or password is wrong";

    private final UserRepository users;
    private final CredentialRepository credentials;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final Authenticator authenticator;
    private final AuthSettings settings;
    private final AuditLog audit;

    public SignInService(UserRepository users, CredentialRepository credentials, PasswordHasher hasher,
                         LoginThrottle throttle, Authenticator authenticator, AuthSettings settings, AuditLog audit) {
        this.users = users;
        this.credentials = credentials;
        this.hasher = hasher;
        this.throttle = throttle;
        this.authenticator = authenticator;
        this.settings = settings;
        this.audit = audit;
    }

    /** A new session: the cookie's value (shown to nobody else), its CSRF token and its end. */
    public record SignedIn(User user, String cookieValue, String csrfToken, Instant expiresAt) {

        @Override
        public String toString() {
            return "SignedIn[" + user.username() + "]";
        }
    }

    /**
     * Checks a password and opens a session.
     *
     * @throws io.modelcat.catalog.problem.TooManyRequestsException while the name or address is throttled
     * @throws UnauthenticatedException for a wrong name or password, or a disabled account
     */
    public SignedIn signIn(AccountRequests.SignIn request, String remoteAddr, String userAgent) {
        String username = request.username().trim();
        try {
            throttle.check(username, remoteAddr);
        } catch (RuntimeException e) {
            audit.record(new AuditLog.Entry(null, username, "login", "user", null, AuditLog.DENIED, remoteAddr,
                    Map.of("reason", "throttled")));
            throw e;
        }
        UserRepository.StoredUser stored = users.findByUsername(username).orElse(null);
        // Always run the hash, also for unknown names, so the answer's timing tells nothing.
        boolean matches = hasher.matches(request.password(), stored == null ? null : stored.passwordHash());
        if (stored == null || !matches || stored.user().disabled()) {
            throttle.recordFailure(username, remoteAddr);
            String reason = stored == null ? "unknown user" : !matches ? "wrong password" : "account disabled";
            audit.record(new AuditLog.Entry(stored == null ? null : stored.user().id(), username, "login", "user",
                    stored == null ? null : stored.user().id().toString(), AuditLog.FAILURE, remoteAddr, Map.of("reason", reason)));
            throw new UnauthenticatedException(WRONG);
        }
        User user = stored.user();
        if (hasher.needsRehash(stored.passwordHash())) {
            users.setPassword(user.id(), hasher.hash(request.password()));
        }
        throttle.clear(username);
        IssuedToken cookie = IssuedToken.generate(IssuedToken.SESSION);
        String csrf = IssuedToken.randomString(32);
        Duration life = settings.sessionIdle().compareTo(settings.sessionMax()) < 0 ? settings.sessionIdle() : settings.sessionMax();
        Instant expiresAt = Instant.now().plus(life);
        credentials.insertSession(UUID.randomUUID(), user.id(), cookie.hash(), csrf, expiresAt, remoteAddr, userAgent);
        audit.record(new AuditLog.Entry(user.id(), user.username(), "login", "user", user.id().toString(),
                AuditLog.SUCCESS, remoteAddr, Map.of()));
        return new SignedIn(user, cookie.value(), csrf, expiresAt);
    }

    /** Ends the session of this cookie, if there is one. */
    public void signOut(String cookieValue, Caller caller) {
        credentials.deleteSession(IssuedToken.hash(cookieValue));
        authenticator.forgetAll();
        audit.record(new AuditLog.Entry(caller.userId(), caller.username(), "logout", "user", caller.userId().toString(),
                AuditLog.SUCCESS, caller.remoteAddr(), Map.of()));
    }

    @Scheduled(fixedDelay = "10m", initialDelay = "1m")
    void removeEndedSessions() {
        credentials.deleteExpiredSessions();
    }
}
