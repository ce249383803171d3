package io.modelcat.datasets;

/** One problem of a column mapping: the schema input, the column it names (may be null), and what is wrong. */
public record MappingError(String input, String column, String message) {
}
