package io.modelcat.catalog.secret;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.credentials.SecretCipher;
import io.modelcat.credentials.SecretStore;
import io.modelcat.store.Database;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Secrets the system uses for its users (the Hugging Face token that imports send to the Hub):
 * admins set and remove them; nobody can read one back through the API. They are encrypted under
 * {@code MODELCAT_SECRET_KEY}, which runners need too, to use them. Made at start-up, so that a
 * malformed key stops the service with a clear message instead of failing later.
 */
@Context
public class SecretService {

    private static final String NAME = "^[a-z0-9][a-z0-9-]{0,99}$";

    private final Database db;
    private final AuditLog audit;
    private final SecretStore store;

    public SecretService(Database db, AuditLog audit, @Nullable @Value("${modelcat.secret-key:}") String key) {
        this.db = db;
        this.audit = audit;
        this.store = new SecretStore(key == null || key.isBlank() ? null : SecretCipher.of(key.trim()));
    }

    /** A new value for a secret. */
    @Serdeable
    @Schema(name = "SetSecret")
    public record SetSecret(@NotBlank @Size(max = 10_000) String value) {

        @Override
        public String toString() {
            return "SetSecret[…]";
        }
    }

    /** What the API tells of a secret: never its value. */
    @Serdeable
    @Schema(name = "Secret")
    public record SecretView(String name, @Nullable String updatedBy, Instant updatedAt,
                             @Schema(description = "false when it was encrypted under another key than this service's: set it again")
                             boolean readable) {
    }

    /** The stored secrets, and whether secrets can be stored at all. */
    @Serdeable
    @Schema(name = "Secrets")
    public record Secrets(@Schema(description = "false until MODELCAT_SECRET_KEY is set") boolean encryptionConfigured,
                          List<SecretView> items) {
    }

    public Secrets list() {
        List<SecretView> items = db.read(store::list).stream()
                .map(s -> new SecretView(s.name(), s.updatedBy(), s.updatedAt(), s.readable())).toList();
        return new Secrets(store.canEncrypt(), items);
    }

    public SecretView set(String name, SetSecret request, Caller by) {
        checkName(name);
        if (!store.canEncrypt()) {
            throw new ConflictException("secrets cannot be stored: no encryption key is configured. Set "
                    + SecretCipher.KEY_VARIABLE + " (32 random bytes in Base64, e.g. 'openssl rand -base64 32') on "
                    + "catalog-service and every runner, then restart them");
        }
        db.write(c -> {
            store.put(c, name, request.value().strip(), by.username());
            return null;
        });
        audit.record(by.did("secret.set", "secret", name, Map.of()));
        return list().items().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    public void delete(String name, Caller by) {
        checkName(name);
        if (!db.write(c -> store.delete(c, name))) {
            throw new NotFoundException("no secret is called '" + name + "'");
        }
        audit.record(by.did("secret.delete", "secret", name, Map.of()));
    }

    private static void checkName(String name) {
        if (name == null || !name.matches(NAME)) {
            throw new InvalidFieldException("name", "must be 1 to 100 lowercase letters, digits and '-', starting with a "
                    + "letter or digit, e.g. " + SecretStore.HUGGING_FACE_TOKEN);
        }
    }
}
