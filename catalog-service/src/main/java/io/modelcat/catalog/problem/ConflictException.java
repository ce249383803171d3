package io.modelcat.catalog.problem;

/** The request conflicts with the current state: a stale version, or a model still in use. */
public final class ConflictException extends CatalogException {

    public ConflictException(String message) {
        super(message);
    }
}
