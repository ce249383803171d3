package io.modelcat.ml.train;

/** A text and its class id, one sequence classification example. */
public record LabeledText(String text, int label) {}
