package io.modelcat.ml.metrics;

/** A labelled span of tokens: sentence index, entity type, first and last token (inclusive). */
public record Entity(int sentence, String type, int start, int end) {}
