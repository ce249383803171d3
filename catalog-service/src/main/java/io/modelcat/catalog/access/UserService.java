package io.modelcat.catalog.access;

import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.catalog.problem.UnauthenticatedException;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Accounts: admins create and change them; everyone may change their own password. */
@Singleton
public class UserService {

    private final UserRepository users;
    private final CredentialRepository credentials;
    private final PasswordHasher hasher;
    private final Authenticator authenticator;
    private final AuthSettings settings;
    private final AuditLog audit;
    private final InitialAdmin initialAdmin;

    public UserService(UserRepository users, CredentialRepository credentials, PasswordHasher hasher,
                       Authenticator authenticator, AuthSettings settings, AuditLog audit, InitialAdmin initialAdmin) {
        this.users = users;
        this.credentials = credentials;
        this.hasher = hasher;
        this.authenticator = authenticator;
        this.settings = settings;
        this.audit = audit;
        this.initialAdmin = initialAdmin;
    }

    public List<User> list() {
        return users.list();
    }

    public User get(UUID id) {
        return users.find(id).orElseThrow(() -> new NotFoundException("no user has id " + id));
    }

    public User create(AccountRequests.CreateUser request, Caller by) {
        Role role = Role.parse("role", request.role());
        String hash = null;
        if (request.password() != null) {
            checkPassword("password", request.password(), request.username());
            hash = hasher.hash(request.password());
        }
        User user = users.insert(new UserRepository.NewUser(UUID.randomUUID(), request.username().trim(),
                blankToNull(request.displayName()), role, hash));
        audit.record(by.did("user.create", "user", user.id(),
                Map.of("username", user.username(), "role", user.role(), "password", hash != null)));
        return user;
    }

    /** Changes an account; disabling it or resetting its password ends its sessions. */
    public User update(UUID id, AccountRequests.UpdateUser request, Caller by) {
        User current = get(id);
        Role role = request.role() == null ? null : Role.parse("role", request.role());
        boolean losesAdmin = Role.ADMIN.wireName().equals(current.role())
                && ((role != null && role != Role.ADMIN) || Boolean.TRUE.equals(request.disabled()));
        if (losesAdmin && !current.disabled() && users.otherActiveAdmins(id) == 0) {
            throw new ConflictException("'" + current.username() + "' is the last enabled admin; make another user an "
                    + "admin first");
        }
        if (request.password() != null) {
            checkPassword("password", request.password(), current.username());
        }
        User updated = users.update(id, new UserRepository.UserChange(blankToNull(request.displayName()), role,
                request.disabled())).orElseThrow(() -> new NotFoundException("no user has id " + id));
        if (request.password() != null) {
            users.setPassword(id, hasher.hash(request.password()));
            initialAdmin.passwordChanged(id);
            updated = get(id);
        }
        if (Boolean.TRUE.equals(request.disabled()) || request.password() != null) {
            credentials.deleteSessionsOf(id);
        }
        authenticator.forgetAll();
        Map<String, Object> changes = new LinkedHashMap<>();
        if (role != null) {
            changes.put("role", role.wireName());
        }
        if (request.disabled() != null) {
            changes.put("disabled", request.disabled());
        }
        if (request.displayName() != null) {
            changes.put("displayName", request.displayName());
        }
        if (request.password() != null) {
            changes.put("password", "reset");
        }
        audit.record(by.did("user.update", "user", id, Map.of("username", current.username(), "changes", changes)));
        return updated;
    }

    /** Changes the caller's own password after checking the current one; their other sessions end. */
    public void changeOwnPassword(Caller caller, AccountRequests.ChangePassword request) {
        UserRepository.StoredUser stored = users.findByUsername(caller.username())
                .orElseThrow(() -> new NotFoundException("no user is called " + caller.username()));
        if (!hasher.matches(request.currentPassword(), stored.passwordHash())) {
            throw new InvalidFieldException("currentPassword", "is not this account's password");
        }
        checkPassword("newPassword", request.newPassword(), caller.username());
        users.setPassword(caller.userId(), hasher.hash(request.newPassword()));
        initialAdmin.passwordChanged(caller.userId());
        credentials.deleteSessionsOf(caller.userId());
        authenticator.forgetAll();
        audit.record(caller.did("user.password", "user", caller.userId(), Map.of()));
    }

    /** The caller's own account, as it is now. */
    public User self(Caller caller) {
        return users.find(caller.userId()).orElseThrow(() -> new UnauthenticatedException("this account no longer exists"));
    }

    void checkPassword(String field, String password, String username) {
        if (password.length() < settings.passwordMinLength()) {
            throw new InvalidFieldException(field, "must be at least " + settings.passwordMinLength() + " characters long");
        }
        if (password.isBlank() || password.strip().toLowerCase(Locale.ROOT).equals(username.toLowerCase(Locale.ROOT))) {
            throw new InvalidFieldException(field, "must not be blank or the username");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
