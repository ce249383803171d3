package io.modelcat.catalog.access;

import io.micronaut.scheduling.annotation.Scheduled;
import io.modelcat.catalog.problem.TooManyRequestsException;
import io.modelcat.store.Database;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;

/**
 * Slows down password guessing: after {@link AuthSettings#maxFailuresPerUser()} failed sign-ins of one
 * username, or {@link AuthSettings#maxFailuresPerAddress()} from one address, within the window,
 * further attempts are refused (429) until the oldest failure leaves the window. Failures are kept in
 * the database, so the limit holds across restarts and across several catalog services.
 */
@Singleton
public class LoginThrottle {

    private final Database db;
    private final AuthSettings settings;

    public LoginThrottle(Database db, AuthSettings settings) {
        this.db = db;
        this.settings = settings;
    }

    /** Refuses with a 429 (and how long to wait) while the username or the address is over its limit. */
    public void check(String username, String remoteAddr) {
        Duration wait = db.read(c -> {
            Duration longest = Duration.ZERO;
            String[][] limits = {
                {"lower(username) = lower(?)", username, String.valueOf(settings.maxFailuresPerUser())},
                {"remote_addr = ?", remoteAddr, String.valueOf(settings.maxFailuresPerAddress())}};
            for (String[] limit : limits) {
                // The limit-th newest failure in the window: while it is there, the key is over its limit.
                try (PreparedStatement ps = c.prepareStatement("SELECT at FROM login_failure WHERE " + limit[0]
                        + " AND at > now() - make_interval(secs => ?) ORDER BY at DESC OFFSET ? LIMIT 1")) {
                    ps.setString(1, limit[1]);
                    ps.setDouble(2, settings.failureWindow().toSeconds());
                    ps.setInt(3, Integer.parseInt(limit[2]) - 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            Duration left = Duration.between(Instant.now(),
                                    rs.getTimestamp(1).toInstant().plus(settings.failureWindow()));
                            if (left.compareTo(longest) > 0) {
                                longest = left;
                            }
                        }
                    }
                }
            }
            return longest;
        });
        if (!wait.isZero() && !wait.isNegative()) {
            long seconds = Math.max(1, wait.toSeconds() + 1);
            throw new TooManyRequestsException("Too many failed sign-ins; try again in " + seconds + " s",
                    Duration.ofSeconds(seconds));
        }
    }

    public void recordFailure(String username, String remoteAddr) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO login_failure (username, remote_addr) VALUES (?, ?)")) {
                ps.setString(1, username.length() > 64 ? username.substring(0, 64) : username);
                ps.setString(2, remoteAddr);
                return ps.executeUpdate();
            }
        });
    }

    /** A successful sign-in forgives the username's earlier failures. */
    public void clear(String username) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM login_failure WHERE lower(username) = lower(?)")) {
                ps.setString(1, username);
                return ps.executeUpdate();
            }
        });
    }

    /** Drops failures older than the window. */
    @Scheduled(fixedDelay = "10m", initialDelay = "1m")
    void forgetOldFailures() {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM login_failure WHERE at < now() - make_interval(secs => ?)")) {
                ps.setDouble(1, settings.failureWindow().toSeconds());
                return ps.executeUpdate();
            }
        });
    }
}
