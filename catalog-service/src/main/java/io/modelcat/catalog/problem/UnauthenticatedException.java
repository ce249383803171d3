package io.modelcat.catalog.problem;

/** The request carries no valid credentials: no session, or an unknown, revoked or expired token. */
public final class UnauthenticatedException extends CatalogException {

    public UnauthenticatedException(String message) {
        super(message);
    }
}
