package io.modelcat.catalog;

import io.modelcat.catalog.access.CredentialRepository;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.User;
import io.modelcat.catalog.access.UserRepository;
import io.modelcat.credentials.IssuedToken;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * One account per role (test-viewer, test-contributor, test-admin), each with a personal API token,
 * made through the service's own repositories once per test database and kept across tests (the
 * per-test truncation leaves accounts alone).
 */
public final class TestAccounts {

    /** The password of the first admin the test services create (modelcat.admin-password). */
    public static final String ADMIN_PASSWORD = "test-admin-password-1";

    private static final Map<Role, Account> ACCOUNTS = new EnumMap<>(Role.class);

    private TestAccounts() {
    }

    /** A test account and its token. */
    public record Account(UUID id, String username, Role role, String token) {
    }

    /** The account of {@code role}, created on first use. */
    public static synchronized Account of(Role role, UserRepository users, CredentialRepository credentials) {
        Account account = ACCOUNTS.get(role);
        if (account == null) {
            String username = "test-" + role.wireName();
            User user = users.findByUsername(username).map(UserRepository.StoredUser::user)
                    .orElseGet(() -> users.insert(new UserRepository.NewUser(UUID.randomUUID(), username, null, role, null)));
            IssuedToken token = IssuedToken.generate(IssuedToken.PERSONAL);
            credentials.insertToken(UUID.randomUUID(), user.id(), "tests", token, Instant.now().plus(Duration.ofDays(1)));
            account = new Account(user.id(), username, role, token.value());
            ACCOUNTS.put(role, account);
        }
        return account;
    }
}
