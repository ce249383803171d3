package io.modelcat.datasets;

/** A record that could not be read, by the line it starts on. */
public record BadRow(long line, String reason) {
}
