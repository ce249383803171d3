package io.modelcat.datasets;

import java.util.List;

/** A column mapping does not fit the task or the dataset; each error names its input and column. */
public final class MappingException extends RuntimeException {

    private final List<MappingError> errors;

    public MappingException(List<MappingError> errors) {
        super(errors.get(0).input() + ": " + errors.get(0).message());
        this.errors = List.copyOf(errors);
    }

    public List<MappingError> errors() {
        return errors;
    }
}
