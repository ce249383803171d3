package io.modelcat.credentials;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code runner_token} table: the credentials job-runners start with. Admins issue and revoke
 * them through catalog-service; a runner checks its own at start and with every heartbeat.
 */
public final class RunnerTokens {

    private RunnerTokens() {
    }

    /** A token as an admin sees it (never the token itself). */
    public record RunnerToken(UUID id, String name, String prefix, String createdBy, Instant createdAt,
                              Instant expiresAt, Instant lastUsedAt, Instant revokedAt) {

        /** Whether the token lets a runner take jobs now. */
        public boolean activeAt(Instant now) {
            return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
        }
    }

    /** What checking a presented token found. */
    public enum Status { VALID, UNKNOWN, REVOKED, EXPIRED }

    /** The outcome of a check: the status and, unless unknown, the token's record. */
    public record Verdict(Status status, RunnerToken token) {
    }

    /** Issues a new token; the value is in the returned {@link IssuedToken} and nowhere else. */
    public static Issued issue(Connection c, String name, String createdBy, Instant expiresAt) throws SQLException {
        IssuedToken token = IssuedToken.generate(IssuedToken.RUNNER);
        UUID id = UUID.randomUUID();
        insert(c, id, name, token.hash(), token.prefix(), createdBy, expiresAt);
        return new Issued(find(c, id).orElseThrow(), token);
    }

    /** A just-issued token: its record and the value to hand over once. */
    public record Issued(RunnerToken record, IssuedToken token) {
    }

    /**
     * Enrols a token chosen outside (a deployment's {@code MODELCAT_RUNNER_TOKEN}) unless it is already
     * known; a revoked one stays revoked. Safe when several services start at once.
     */
    public static void enrollIfAbsent(Connection c, String name, String value, String createdBy) throws SQLException {
        // Show only a few characters of a token chosen outside: its shape is unknown.
        String prefix = value.substring(0, Math.min(4, value.length()));
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO runner_token (id, name, token_hash, prefix, created_by) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (token_hash) DO NOTHING""")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, name);
            ps.setString(3, IssuedToken.hash(value));
            ps.setString(4, prefix);
            ps.setString(5, createdBy);
            ps.executeUpdate();
        }
    }

    /** Checks a presented token and, when it is valid, records its use. */
    public static Verdict check(Connection c, String value) throws SQLException {
        Optional<RunnerToken> found;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM runner_token WHERE token_hash = ?")) {
            ps.setString(1, IssuedToken.hash(value));
            found = one(ps);
        }
        if (found.isEmpty()) {
            return new Verdict(Status.UNKNOWN, null);
        }
        RunnerToken token = found.get();
        if (token.revokedAt() != null) {
            return new Verdict(Status.REVOKED, token);
        }
        if (token.expiresAt() != null && !token.expiresAt().isAfter(Instant.now())) {
            return new Verdict(Status.EXPIRED, token);
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE runner_token SET last_used_at = now() WHERE id = ?")) {
            ps.setObject(1, token.id());
            ps.executeUpdate();
        }
        return new Verdict(Status.VALID, token);
    }

    /** Every token, newest first. */
    public static List<RunnerToken> list(Connection c) throws SQLException {
        List<RunnerToken> tokens = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM runner_token ORDER BY created_at DESC, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tokens.add(read(rs));
            }
        }
        return tokens;
    }

    public static Optional<RunnerToken> find(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM runner_token WHERE id = ?")) {
            ps.setObject(1, id);
            return one(ps);
        }
    }

    /** Revokes a token (once: a revoked token keeps its first revocation time); empty when there is none. */
    public static Optional<RunnerToken> revoke(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE runner_token SET revoked_at = coalesce(revoked_at, now()) WHERE id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
        return find(c, id);
    }

    private static final String COLUMNS =
            "id, name, prefix, created_by, created_at, expires_at, last_used_at, revoked_at";

    private static void insert(Connection c, UUID id, String name, String hash, String prefix, String createdBy,
                               Instant expiresAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO runner_token (id, name, token_hash, prefix, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)""")) {
            ps.setObject(1, id);
            ps.setString(2, name);
            ps.setString(3, hash);
            ps.setString(4, prefix);
            ps.setString(5, createdBy);
            ps.setTimestamp(6, expiresAt == null ? null : Timestamp.from(expiresAt));
            ps.executeUpdate();
        }
    }

    private static Optional<RunnerToken> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static RunnerToken read(ResultSet rs) throws SQLException {
        return new RunnerToken(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("prefix"),
                rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "expires_at"),
                instant(rs, "last_used_at"), instant(rs, "revoked_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
