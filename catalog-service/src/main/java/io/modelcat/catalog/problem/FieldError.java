package io.modelcat.catalog.problem;

import io.micronaut.serde.annotation.Serdeable;

/** One invalid field of a request: its path (e.g. {@code tags[2]}) and what was expected. */
@Serdeable
public record FieldError(String field, String message) {
}
