package io.modelcat.credentials;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A newly made bearer credential: the value handed to its holder once, the SHA-256 kept in its place,
 * and a short prefix that lets people tell their tokens apart in lists. The values carry 256 random
 * bits, so a plain SHA-256 (not a slow password hash) is enough to make a stolen table useless.
 *
 * @param value  the token itself, e.g. {@code mc_pat_3q2+...}; never stored
 * @param hash   the SHA-256 of {@code value}, lowercase hex
 * @param prefix the kind and the first characters of the random part, safe to show
 */
public record IssuedToken(String value, String hash, String prefix) {

    /** Prefix of personal API tokens. */
    public static final String PERSONAL = "mc_pat_";
    /** Prefix of job-runner tokens. */
    public static final String RUNNER = "mc_run_";
    /** Prefix of online endpoints' keys. */
    public static final String ENDPOINT_KEY = "mc_ek_";
    /** Prefix of browser session cookies. */
    public static final String SESSION = "mc_ses_";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int RANDOM_BYTES = 32;
    private static final int SHOWN_CHARACTERS = 6;

    @Override
    public String toString() {
        return "IssuedToken[" + prefix + "…]";
    }

    /** A new random token of the given kind ({@link #PERSONAL}, {@link #RUNNER}, {@link #ENDPOINT_KEY} or {@link #SESSION}). */
    public static IssuedToken generate(String kind) {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        String value = kind + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        return new IssuedToken(value, hash(value), kind + value.substring(kind.length(), kind.length() + SHOWN_CHARACTERS));
    }

    /** The stored form of a presented token: its SHA-256 in lowercase hex. */
    public static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** A random string for CSRF tokens and generated passwords: {@code bytes} random bytes, URL-safe Base64. */
    public static String randomString(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
