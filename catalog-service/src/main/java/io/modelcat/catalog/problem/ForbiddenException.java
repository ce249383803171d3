package io.modelcat.catalog.problem;

/** The caller is known but may not do this (another user's job, an admin's task). */
public final class ForbiddenException extends CatalogException {

    public ForbiddenException(String message) {
        super(message);
    }
}
