package io.modelcat.catalog.access;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Hashes passwords with PBKDF2-HMAC-SHA256 (in the JDK, FIPS-approved; OWASP's figure is 600,000
 * iterations). A hash reads {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}, so the iteration count
 * can be raised later: sign-in re-hashes passwords stored with fewer.
 */
@Singleton
public class PasswordHasher {

    private static final String ALGORITHM = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    // Verified when the user does not exist, so that an unknown name takes as long as a wrong password.
    private volatile String decoy;

    public PasswordHasher(@Value("${modelcat.auth.password-iterations:600000}") int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("modelcat.auth.password-iterations must be positive, got " + iterations);
        }
        this.iterations = iterations;
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return ALGORITHM + "$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(derive(password, salt, iterations));
    }

    /** Whether {@code password} matches {@code stored}; a null or malformed hash matches nothing. */
    public boolean matches(String password, String stored) {
        String[] parts = (stored == null ? decoy() : stored).split("\\$");
        if (parts.length != 4 || !ALGORITHM.equals(parts[0])) {
            return false;
        }
        try {
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            byte[] actual = derive(password, Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]));
            return MessageDigest.isEqual(expected, actual) && stored != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private String decoy() {
        if (decoy == null) {
            decoy = hash("decoy password that never matches");
        }
        return decoy;
    }

    /** Whether a stored hash was made with fewer iterations than configured now. */
    public boolean needsRehash(String stored) {
        String[] parts = stored.split("\\$");
        return parts.length != 4 || !ALGORITHM.equals(parts[0]) || Integer.parseInt(parts[1]) < iterations;
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 failed: " + e.getMessage(), e);
        } finally {
            spec.clearPassword();
        }
    }
}
