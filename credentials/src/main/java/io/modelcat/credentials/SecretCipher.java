package io.modelcat.credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM under a key from the environment ({@value #KEY_VARIABLE},
 * 32 bytes in Base64). The secret's name is bound in as associated data, so a ciphertext copied to
 * another name does not open. The key's id (the start of its SHA-256) is stored beside each
 * ciphertext, so that a service with another key says so instead of failing obscurely.
 */
public final class SecretCipher {

    /** Environment variable holding the key. */
    public static final String KEY_VARIABLE = "MODELCAT_SECRET_KEY";

    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String keyId;

    private SecretCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
        this.keyId = IssuedToken.hash(HexFormat.of().formatHex(key)).substring(0, 16);
    }

    /** The cipher of the key in {@value #KEY_VARIABLE}, or empty when it is unset or blank. */
    public static Optional<SecretCipher> fromEnvironment(Map<String, String> env) {
        String value = env.get(KEY_VARIABLE);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(of(value.trim()));
    }

    /**
     * The cipher of a Base64 key.
     *
     * @throws IllegalArgumentException naming {@value #KEY_VARIABLE} when the value is not 32 bytes of Base64
     */
    public static SecretCipher of(String base64Key) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY_VARIABLE + " must be 32 random bytes in Base64 (e.g. the output of "
                    + "'openssl rand -base64 32'); the value given is not Base64");
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(KEY_VARIABLE + " must be 32 random bytes in Base64 (e.g. the output of "
                    + "'openssl rand -base64 32'); the value given decodes to " + key.length + " bytes");
        }
        return new SecretCipher(key);
    }

    /** A new random key in Base64, for a first start that has none. */
    public static String generateKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Identifies the key without revealing it: the first 16 hex digits of its SHA-256. */
    public String keyId() {
        return keyId;
    }

    /** Encrypts {@code plaintext} for the secret called {@code name}, with a fresh nonce. */
    public Sealed seal(String name, String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            return new Sealed(cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8)), nonce, keyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts a sealed secret.
     *
     * @throws SecretUnreadableException when it was sealed under another key, for another name, or was altered
     */
    public String open(String name, Sealed sealed) {
        if (!keyId.equals(sealed.keyId())) {
            throw new SecretUnreadableException("the secret '" + name + "' was encrypted with another key (id "
                    + sealed.keyId() + "; this service's " + KEY_VARIABLE + " has id " + keyId + "): set it again");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SecretUnreadableException("the secret '" + name + "' does not decrypt: it was altered or "
                    + "belongs to another name; set it again");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
        }
    }

    /** A ciphertext with its nonce and the id of the key that made it. */
    public record Sealed(byte[] ciphertext, byte[] nonce, String keyId) {

        /** As one line of text, for a text column: {@code keyId.nonce.ciphertext}, both in Base64. */
        public String encode() {
            Base64.Encoder b64 = Base64.getEncoder();
            return keyId + "." + b64.encodeToString(nonce) + "." + b64.encodeToString(ciphertext);
        }

        /** The inverse of {@link #encode()}. */
        public static Sealed decode(String text) {
            String[] parts = text.split("\\.");
            if (parts.length != 3) {
                throw new SecretUnreadableException("a sealed value is not 'keyId.nonce.ciphertext'");
            }
            Base64.Decoder b64 = Base64.getDecoder();
            return new Sealed(b64.decode(parts[2]), b64.decode(parts[1]), parts[0]);
        }
    }
}
