package io.modelcat.runner.importing;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import io.modelcat.credentials.SecretCipher;
import io.modelcat.credentials.SecretStore;
import io.modelcat.credentials.SecretUnreadableException;
import io.modelcat.hub.HubClient;
import io.modelcat.hub.HubClientSettings;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Hub clients for imports: the endpoint and timeouts from the environment (HF_ENDPOINT, ...), and as
 * the token the {@code huggingface-token} secret an admin stored (read at each import, so a new one
 * applies to the next import), else {@code HF_TOKEN}. The token is never logged.
 */
@Singleton
public class HubClients {

    private final TransactionOperations<Connection> tx;
    private final SecretStore secrets;
    private final HubClientSettings environment;

    public HubClients(TransactionOperations<Connection> tx, @Nullable @Value("${modelcat.secret-key:}") String key) {
        this(tx, key, HubClientSettings.fromEnvironment(System.getenv()));
    }

    HubClients(TransactionOperations<Connection> tx, String key, HubClientSettings environment) {
        this.tx = tx;
        this.secrets = new SecretStore(key == null || key.isBlank() ? null : SecretCipher.of(key.trim()));
        this.environment = environment;
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
        Optional<String> stored = tx.executeRead(status -> {
            try {
                return secrets.read(status.getConnection(), SecretStore.HUGGING_FACE_TOKEN);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the stored Hugging Face token: " + e.getMessage(), e);
            }
        });
        if (stored.isPresent()) {
            return new ForImport(new HubClient(environment.withToken(stored.get())), "the stored huggingface-token secret");
        }
        return new ForImport(new HubClient(environment),
                environment.optToken().isPresent() ? "HF_TOKEN" : "none (anonymous)");
    }
}
