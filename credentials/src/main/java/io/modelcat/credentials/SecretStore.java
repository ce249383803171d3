package io.modelcat.credentials;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code secret} table: named values kept only as AES-GCM ciphertexts. Values go in and come out
 * in plaintext only through this class, and nothing here logs them. Without a key, secrets can be
 * listed and removed but not written or read.
 */
public final class SecretStore {

    /** The Hugging Face access token that imports send to the Hub. */
    public static final String HUGGING_FACE_TOKEN = "huggingface-token";

    private final SecretCipher cipher;

    /** @param cipher the environment's key, or null when none is configured */
    public SecretStore(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /** Whether a key is configured, so that secrets can be written and read. */
    public boolean canEncrypt() {
        return cipher != null;
    }

    /** Stores (or replaces) a secret. */
    public void put(Connection c, String name, String value, String updatedBy) throws SQLException {
        SecretCipher.Sealed sealed = requireCipher().seal(name, value);
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO secret (name, ciphertext, nonce, key_id, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, now())
                ON CONFLICT (name) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, nonce = EXCLUDED.nonce,
                    key_id = EXCLUDED.key_id, updated_by = EXCLUDED.updated_by, updated_at = now()""")) {
            ps.setString(1, name);
            ps.setBytes(2, sealed.ciphertext());
            ps.setBytes(3, sealed.nonce());
            ps.setString(4, sealed.keyId());
            ps.setString(5, updatedBy);
            ps.executeUpdate();
        }
    }

    /**
     * The plaintext of a secret, or empty when none is stored under {@code name}.
     *
     * @throws SecretUnreadableException when it is stored but this key cannot open it
     */
    public Optional<String> read(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ciphertext, nonce, key_id FROM secret WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                SecretCipher.Sealed sealed = new SecretCipher.Sealed(rs.getBytes(1), rs.getBytes(2), rs.getString(3));
                return Optional.of(requireCipher().open(name, sealed));
            }
        }
    }

    /** Removes a secret; false when there was none. */
    public boolean delete(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM secret WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() == 1;
        }
    }

    /** What is known of each stored secret, never its value. */
    public List<SecretInfo> list(Connection c) throws SQLException {
        List<SecretInfo> secrets = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, key_id, updated_by, updated_at FROM secret ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                secrets.add(new SecretInfo(rs.getString("name"), rs.getString("updated_by"),
                        rs.getTimestamp("updated_at").toInstant(),
                        cipher != null && cipher.keyId().equals(rs.getString("key_id"))));
            }
        }
        return secrets;
    }

    private SecretCipher requireCipher() {
        if (cipher == null) {
            throw new SecretUnreadableException("no encryption key is configured: set " + SecretCipher.KEY_VARIABLE
                    + " (32 random bytes in Base64, e.g. 'openssl rand -base64 32') on catalog-service and every runner");
        }
        return cipher;
    }

    /**
     * A stored secret's facts.
     *
     * @param readable whether this service's key opens it
     */
    public record SecretInfo(String name, String updatedBy, Instant updatedAt, boolean readable) {
    }
}
