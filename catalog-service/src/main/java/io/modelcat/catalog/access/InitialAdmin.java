package io.modelcat.catalog.access;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import io.modelcat.credentials.IssuedToken;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the first admin when a service starts on a database without accounts: with the password in
 * {@code MODELCAT_ADMIN_PASSWORD} when set, else a generated one, printed once in the log and kept in
 * {@code $MODELCAT_HOME/initial-admin-password} (readable by the service's user only) until that
 * admin changes it.
 */
@Singleton
public class InitialAdmin implements ApplicationEventListener<StartupEvent> {

    /** The file holding a generated first password. */
    public static final String PASSWORD_FILE = "initial-admin-password";

    private static final Logger LOG = LoggerFactory.getLogger(InitialAdmin.class);

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final AuthSettings settings;
    private final String username;
    private final String configuredPassword;
    private final Path passwordFile;

    public InitialAdmin(UserRepository users, PasswordHasher hasher, AuthSettings settings,
                        @Value("${modelcat.admin-username:admin}") String username,
                        @Nullable @Value("${modelcat.admin-password:}") String configuredPassword,
                        @Value("${modelcat.home}") String home) {
        this.users = users;
        this.hasher = hasher;
        this.settings = settings;
        this.username = username.trim();
        this.configuredPassword = configuredPassword == null || configuredPassword.isEmpty() ? null : configuredPassword;
        this.passwordFile = Path.of(home).resolve(PASSWORD_FILE);
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (!users.list().isEmpty()) {
            return;
        }
        if (!username.matches(AccountRequests.USERNAME)) {
            throw new IllegalStateException("MODELCAT_ADMIN_USERNAME must be 1 to 64 letters, digits, '.', '_', '@' or '-'"
                    + ", starting with a letter or digit; got '" + username + "'");
        }
        if (configuredPassword != null && configuredPassword.length() < settings.passwordMinLength()) {
            throw new IllegalStateException("MODELCAT_ADMIN_PASSWORD must be at least " + settings.passwordMinLength()
                    + " characters long (modelcat.auth.password-min-length)");
        }
        String password = configuredPassword != null ? configuredPassword : IssuedToken.randomString(18);
        boolean created = users.insertIfNoUsers(new UserRepository.NewUser(UUID.randomUUID(), username, "Administrator",
                Role.ADMIN, hasher.hash(password)));
        if (!created) {
            return;
        }
        if (configuredPassword != null) {
            LOG.info("Created the first admin '{}' with the password from MODELCAT_ADMIN_PASSWORD", username);
            return;
        }
        String where = keep(password);
        LOG.warn("""

                ============================================================================
                 First start: created the admin account '{}' with the password
                     {}
                 Sign in and change it (Account page). {}
                ============================================================================""",
                username, password, where);
    }

    /** Forgets a generated password once the admin it belonged to has changed theirs. */
    void passwordChanged(UUID userId) {
        users.find(userId).filter(u -> u.username().toLowerCase(Locale.ROOT).equals(username.toLowerCase(Locale.ROOT)))
                .ifPresent(u -> {
                    try {
                        Files.deleteIfExists(passwordFile);
                    } catch (IOException e) {
                        LOG.warn("Could not remove {}: {}", passwordFile, e.getMessage());
                    }
                });
    }

    private String keep(String password) {
        try {
            Files.createDirectories(passwordFile.getParent());
            Path temp = Files.createTempFile(passwordFile.getParent(), PASSWORD_FILE, ".tmp");
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's own permissions protect it
            }
            Files.writeString(temp, password + "\n", StandardCharsets.UTF_8);
            Files.move(temp, passwordFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return "It is also in " + passwordFile + " until then.";
        } catch (IOException e) {
            return "(It could not be saved to " + passwordFile + ": " + e.getMessage() + ")";
        }
    }
}
