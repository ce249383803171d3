package io.modelcat.catalog.problem;

import java.util.List;

/** A request was well-formed but one or more of its fields holds a value the catalog cannot accept. */
public final class InvalidFieldException extends CatalogException {

    private final List<FieldError> errors;

    public InvalidFieldException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public InvalidFieldException(List<FieldError> errors) {
        super(errors.get(0).field() + ": " + errors.get(0).message());
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
