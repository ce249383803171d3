package io.modelcat.catalog.access;

import io.modelcat.credentials.IssuedToken;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Tells who holds a presented API token or session cookie. A check is trusted for
 * {@link AuthSettings#cacheTtl()} (never past the credential's own end), so that busy clients cost no
 * database round trip per request; any change to accounts or credentials empties the cache at once: made
 * through this service, or through another one (its change notice, see {@code change.ChangeListener}).
 */
@Singleton
public class Authenticator {

    private static final int MAX_ENTRIES = 10_000;

    private final CredentialRepository credentials;
    private final AuthSettings settings;
    private final Map<String, Entry> checked = new ConcurrentHashMap<>();
    /** Raised by every {@link #forgetAll}: a check that began before it is not trusted after it. */
    private final AtomicLong generation = new AtomicLong();

    public Authenticator(CredentialRepository credentials, AuthSettings settings) {
        this.credentials = credentials;
        this.settings = settings;
    }

    private record Entry(CredentialRepository.Holder holder, Instant trustedUntil, long generation) {
    }

    /** The holder of a personal API token, if it is live and its account enabled. */
    public Optional<CredentialRepository.Holder> byApiToken(String token) {
        return check("t:" + IssuedToken.hash(token), key -> credentials.useToken(key.substring(2)));
    }

    /** The holder of a session cookie, if the session is live and its account enabled. */
    public Optional<CredentialRepository.Holder> bySession(String cookieValue) {
        return check("s:" + IssuedToken.hash(cookieValue),
                key -> credentials.useSession(key.substring(2), settings.sessionIdle(), settings.sessionMax()));
    }

    /** The person a runner calls for, with its runner token on behalf of a running bulk-test job. */
    public Optional<CredentialRepository.Holder> byRunnerForJob(String runnerToken, UUID jobId) {
        return check(runnerJobKey(runnerToken, jobId),
                key -> credentials.useRunnerForJob(IssuedToken.hash(runnerToken), jobId));
    }

    /** {@link #byRunnerForJob} as checked recently, without asking the database; empty if not cached. */
    public Optional<CredentialRepository.Holder> cachedRunnerForJob(String runnerToken, UUID jobId) {
        return cached(runnerJobKey(runnerToken, jobId));
    }

    private static String runnerJobKey(String runnerToken, UUID jobId) {
        return "j:" + IssuedToken.hash(runnerToken) + ":" + jobId;
    }

    /** The holder of a personal API token as checked recently, without asking the database; empty if not cached. */
    public Optional<CredentialRepository.Holder> cachedApiToken(String token) {
        return cached("t:" + IssuedToken.hash(token));
    }

    /** The holder of a session cookie as checked recently, without asking the database; empty if not cached. */
    public Optional<CredentialRepository.Holder> cachedSession(String cookieValue) {
        return cached("s:" + IssuedToken.hash(cookieValue));
    }

    private Optional<CredentialRepository.Holder> cached(String key) {
        Entry entry = checked.get(key);
        return entry != null && entry.generation() == generation.get() && entry.trustedUntil().isAfter(Instant.now())
                ? Optional.of(entry.holder()) : Optional.empty();
    }

    /** Forgets every cached check: call after revoking, disabling, re-roling or signing out. */
    public void forgetAll() {
        generation.incrementAndGet();
        checked.clear();
    }

    private Optional<CredentialRepository.Holder> check(String key,
                                                        Function<String, Optional<CredentialRepository.Holder>> lookup) {
        Optional<CredentialRepository.Holder> cached = cached(key);
        if (cached.isPresent()) {
            return cached;
        }
        // A lookup that raced with a revocation may have read the credential before it: its answer is stamped
        // with the generation it began in, so that the revocation's forgetAll makes it untrusted.
        long began = generation.get();
        Instant now = Instant.now();
        Optional<CredentialRepository.Holder> holder = lookup.apply(key);
        if (holder.isEmpty()) {
            checked.remove(key);
            return holder;
        }
        if (checked.size() >= MAX_ENTRIES) {
            checked.clear();
        }
        Instant until = now.plus(settings.cacheTtl());
        if (holder.get().validUntil().isBefore(until)) {
            until = holder.get().validUntil();
        }
        checked.put(key, new Entry(holder.get(), until, began));
        return holder;
    }
}
