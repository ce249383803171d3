package io.modelcat.catalog.access;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Storage of accounts. */
public interface UserRepository {

    /** A new account; its password already hashed (null: API tokens only). */
    record NewUser(UUID id, String username, String displayName, Role role, String passwordHash) {
    }

    /** An account with its password hash, for signing in. */
    record StoredUser(User user, String passwordHash) {
    }

    /** Changes to an account; null fields stay as they are. */
    record UserChange(String displayName, Role role, Boolean disabled) {
    }

    /** Stores a new account; a taken username (in any case) is a conflict. */
    User insert(NewUser user);

    /**
     * Stores {@code user} only if there is no account at all, holding a lock so that services starting
     * together create one first admin between them.
     */
    boolean insertIfNoUsers(NewUser user);

    Optional<User> find(UUID id);

    /** The account called {@code username}, in any case. */
    Optional<StoredUser> findByUsername(String username);

    /** Every account, by username. */
    List<User> list();

    Optional<User> update(UUID id, UserChange change);

    void setPassword(UUID id, String passwordHash);

    /** How many enabled admins there are besides {@code except}. */
    int otherActiveAdmins(UUID except);
}
