package io.modelcat.catalog.access;

import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.store.Database;
import io.modelcat.store.change.ChangeNotices;
import jakarta.inject.Singleton;
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

/** PostgreSQL storage of accounts ({@code app_user}). */
@Singleton
final class JdbcUserRepository implements UserRepository {

    private static final String COLUMNS = """
            id, username, display_name, role, password_hash, disabled, created_at, updated_at, password_changed_at""";
    // Any constant shared by the services: only the first-admin creation takes this lock.
    private static final long FIRST_ADMIN_LOCK = 0x6d6f64656c636174L;

    private final Database db;

    JdbcUserRepository(Database db) {
        this.db = db;
    }

    @Override
    public User insert(NewUser user) {
        return db.write(c -> {
            try {
                insertIn(c, user);
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    throw new ConflictException("the username '" + user.username() + "' is taken");
                }
                throw e;
            }
            return findIn(c, user.id()).orElseThrow();
        });
    }

    @Override
    public boolean insertIfNoUsers(NewUser user) {
        return db.write(c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, FIRST_ADMIN_LOCK);
                lock.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM app_user)");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return false;
                }
            }
            insertIn(c, user);
            return true;
        });
    }

    private static void insertIn(Connection c, NewUser user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO app_user (id, username, display_name, role, password_hash, password_changed_at)
                VALUES (?, ?, ?, ?, ?, CASE WHEN ?::text IS NULL THEN NULL ELSE now() END)""")) {
            ps.setObject(1, user.id());
            ps.setString(2, user.username());
            ps.setString(3, user.displayName());
            ps.setString(4, user.role().wireName());
            ps.setString(5, user.passwordHash());
            ps.setString(6, user.passwordHash());
            ps.executeUpdate();
        }
    }

    @Override
    public Optional<User> find(UUID id) {
        return db.read(c -> findIn(c, id));
    }

    @Override
    public Optional<StoredUser> findByUsername(String username) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM app_user WHERE lower(username) = lower(?)")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new StoredUser(read(rs), rs.getString("password_hash"))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<User> list() {
        return db.read(c -> {
            List<User> users = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM app_user ORDER BY lower(username)");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.add(read(rs));
                }
            }
            return users;
        });
    }

    @Override
    public Optional<User> update(UUID id, UserChange change) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE app_user SET display_name = coalesce(?, display_name), role = coalesce(?, role),
                                        disabled = coalesce(?, disabled), updated_at = now()
                    WHERE id = ?""")) {
                ps.setString(1, change.displayName());
                ps.setString(2, change.role() == null ? null : change.role().wireName());
                ps.setObject(3, change.disabled());
                ps.setObject(4, id);
                ps.executeUpdate();
            }
            // A role or a disabled flag is part of every cached access check, here and on the other services.
            ChangeNotices.accessChanged(c);
            return findIn(c, id);
        });
    }

    @Override
    public void setPassword(UUID id, String passwordHash) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE app_user SET password_hash = ?, password_changed_at = now(), updated_at = now() WHERE id = ?")) {
                ps.setString(1, passwordHash);
                ps.setObject(2, id);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public int otherActiveAdmins(UUID except) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM app_user WHERE role = 'admin' AND NOT disabled AND id <> ?")) {
                ps.setObject(1, except);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private static Optional<User> findIn(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM app_user WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static User read(ResultSet rs) throws SQLException {
        return new User(rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("display_name"),
                rs.getString("role"), rs.getBoolean("disabled"), rs.getString("password_hash") != null,
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")),
                instant(rs.getTimestamp("password_changed_at")));
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
