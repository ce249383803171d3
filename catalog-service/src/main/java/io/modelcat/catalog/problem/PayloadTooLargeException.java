package io.modelcat.catalog.problem;

/** A request body larger than the server accepts (413). */
public final class PayloadTooLargeException extends CatalogException {

    public PayloadTooLargeException(String message) {
        super(message);
    }
}
