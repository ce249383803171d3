package io.modelcat.catalog.problem;

/** Base of the failures the domain reports to callers; the HTTP layer maps each kind to a status. */
public abstract class CatalogException extends RuntimeException {

    protected CatalogException(String message) {
        super(message);
    }
}
