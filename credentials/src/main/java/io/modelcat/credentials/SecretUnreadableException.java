package io.modelcat.credentials;

/** A stored secret that this service's key cannot open. */
public class SecretUnreadableException extends RuntimeException {

    public SecretUnreadableException(String message) {
        super(message);
    }
}
