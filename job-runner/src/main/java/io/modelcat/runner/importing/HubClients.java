package io.modelcat.runner.importing;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.modelcat.credentials.SecretCipher;
import io.modelcat.credentials.SecretStore;
import io.modelcat.credentials.SecretUnreadableException;
import io.modelcat.hub.HubClient;
import io.modelcat.hub.HubClientSettings;
import io.modelcat.store.Database;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Hub clients for imports: the endpoint and timeouts from the environment (HF_ENDPOINT, ...), and as
 * the token the {@code huggingface-token} secret an admin stored (read at each import, so a new one
 * applies to the next import), else {@code HF_TOKEN}. The token is never logged.
 */
@Singleton
public class HubClients {

    private final Database db;
    private final SecretStore secrets;
    private final HubClientSettings environment;
    // The client for imports without a stored token, made once; a stored token gets a client per import.
    private final HubClient environmentClient;

    public HubClients(Database db, @Nullable @Value("${modelcat.secret-key:}") String key) {
        this.db = db;
        this.secrets = new SecretStore(key == null || key.isBlank() ? null : SecretCipher.of(key.trim()));
        this.environment = HubClientSettings.fromEnvironment(System.getenv());
        this.environmentClient = new HubClient(environment);
    }

    /** A client for one import, and where its token came from (for the job's log). */
    public record ForImport(HubClient client, String tokenSource) {
    }

    /**
     * The client for an import starting now.
     *
     * @throws SecretUnreadableException when a token is stored but this runner's key cannot open it
     */
    public ForImport forImport() {
        Optional<String> stored = db.readInTransaction(c -> secrets.read(c, SecretStore.HUGGING_FACE_TOKEN));
        if (stored.isPresent()) {
            return new ForImport(new HubClient(environment.withToken(stored.get())), "the stored huggingface-token secret");
        }
        return new ForImport(environmentClient, environment.optToken().isPresent() ? "HF_TOKEN" : "none (anonymous)");
    }
}
