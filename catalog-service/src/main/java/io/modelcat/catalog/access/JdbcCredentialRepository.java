package io.modelcat.catalog.access;

import static io.modelcat.catalog.access.JdbcUserRepository.instant;

import io.modelcat.credentials.IssuedToken;
import io.modelcat.store.Database;
import io.modelcat.store.change.ChangeNotices;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * PostgreSQL storage of API tokens ({@code api_token}) and sessions ({@code web_session}). Revoking a token or ending
 * a session sends a change notice in its transaction, so every catalog service forgets its cached checks on commit.
 */
@Singleton
final class JdbcCredentialRepository implements CredentialRepository {

    private static final String TOKEN_COLUMNS = """
            t.id, t.user_id, u.username, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at""";

    private final Database db;

    JdbcCredentialRepository(Database db) {
        this.db = db;
    }

    @Override
    public ApiToken insertToken(UUID id, UUID userId, String name, IssuedToken token, Instant expiresAt) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO api_token (id, user_id, name, token_hash, prefix, expires_at) VALUES (?, ?, ?, ?, ?, ?)""")) {
                ps.setObject(1, id);
                ps.setObject(2, userId);
                ps.setString(3, name);
                ps.setString(4, token.hash());
                ps.setString(5, token.prefix());
                ps.setTimestamp(6, Timestamp.from(expiresAt));
                ps.executeUpdate();
            }
            return findTokenIn(c, id).orElseThrow();
        });
    }

    @Override
    public List<ApiToken> tokensOf(UUID userId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TOKEN_COLUMNS
                    + " FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.user_id = ? ORDER BY t.created_at DESC, t.id")) {
                ps.setObject(1, userId);
                List<ApiToken> tokens = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tokens.add(readToken(rs));
                    }
                }
                return tokens;
            }
        });
    }

    @Override
    public Optional<ApiToken> findToken(UUID id) {
        return db.read(c -> findTokenIn(c, id));
    }

    @Override
    public Optional<ApiToken> revokeToken(UUID id) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE api_token SET revoked_at = coalesce(revoked_at, now()) WHERE id = ?")) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
            ChangeNotices.accessChanged(c);
            return findTokenIn(c, id);
        });
    }

    @Override
    public Optional<Holder> useToken(String tokenHash) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    WITH used AS (
                        UPDATE api_token SET last_used_at = now()
                        WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > now()
                        RETURNING user_id, expires_at)
                    SELECT u.id, u.username, u.role, used.expires_at, NULL AS csrf_token
                    FROM used JOIN app_user u ON u.id = used.user_id WHERE NOT u.disabled""")) {
                ps.setString(1, tokenHash);
                return holder(ps);
            }
        });
    }

    @Override
    public Optional<Holder> useRunnerForJob(String runnerTokenHash, UUID jobId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT u.id, u.username, u.role, COALESCE(rt.expires_at, now() + interval '1 day'), NULL AS csrf_token
                    FROM runner_token rt, job j JOIN app_user u ON u.id = j.submitted_by
                    WHERE rt.token_hash = ? AND rt.revoked_at IS NULL AND (rt.expires_at IS NULL OR rt.expires_at > now())
                      AND j.id = ? AND j.kind = 'bulk-test' AND j.state = 'running' AND NOT u.disabled""")) {
                ps.setString(1, runnerTokenHash);
                ps.setObject(2, jobId);
                return holder(ps);
            }
        });
    }

    @Override
    public void insertSession(UUID id, UUID userId, String tokenHash, String csrfToken, Instant expiresAt,
                              String remoteAddr, String userAgent) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO web_session (id, user_id, token_hash, csrf_token, expires_at, remote_addr, user_agent)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setObject(1, id);
                ps.setObject(2, userId);
                ps.setString(3, tokenHash);
                ps.setString(4, csrfToken);
                ps.setTimestamp(5, Timestamp.from(expiresAt));
                ps.setString(6, remoteAddr);
                ps.setString(7, userAgent == null ? null : userAgent.substring(0, Math.min(300, userAgent.length())));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Holder> useSession(String tokenHash, Duration idle, Duration max) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    WITH used AS (
                        UPDATE web_session
                        SET last_seen_at = now(),
                            expires_at = least(created_at + make_interval(secs => ?), now() + make_interval(secs => ?))
                        WHERE token_hash = ? AND expires_at > now()
                        RETURNING user_id, expires_at, csrf_token)
                    SELECT u.id, u.username, u.role, used.expires_at, used.csrf_token
                    FROM used JOIN app_user u ON u.id = used.user_id WHERE NOT u.disabled""")) {
                ps.setDouble(1, max.toMillis() / 1000.0);
                ps.setDouble(2, idle.toMillis() / 1000.0);
                ps.setString(3, tokenHash);
                return holder(ps);
            }
        });
    }

    @Override
    public void deleteSession(String tokenHash) {
        db.write(c -> {
            ChangeNotices.accessChanged(c);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM web_session WHERE token_hash = ?")) {
                ps.setString(1, tokenHash);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void deleteSessionsOf(UUID userId) {
        db.write(c -> {
            ChangeNotices.accessChanged(c);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM web_session WHERE user_id = ?")) {
                ps.setObject(1, userId);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public int deleteExpiredSessions() {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM web_session WHERE expires_at <= now()")) {
                return ps.executeUpdate();
            }
        });
    }

    private static Optional<Holder> holder(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Holder(rs.getObject(1, UUID.class), rs.getString(2), Role.fromWireName(rs.getString(3)),
                    rs.getTimestamp(4).toInstant(), rs.getString(5)));
        }
    }

    private static Optional<ApiToken> findTokenIn(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + TOKEN_COLUMNS
                + " FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readToken(rs)) : Optional.empty();
            }
        }
    }

    private static ApiToken readToken(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("username"),
                rs.getString("name"), rs.getString("prefix"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("last_used_at")),
                instant(rs.getTimestamp("revoked_at")));
    }
}
