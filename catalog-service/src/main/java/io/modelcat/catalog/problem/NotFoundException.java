package io.modelcat.catalog.problem;

/** The thing a request names does not exist. */
public final class NotFoundException extends CatalogException {

    public NotFoundException(String message) {
        super(message);
    }
}
