package io.modelcat.ml.metrics;

/** Precision, recall and F1 of one class, with its support (how many true examples it has). */
public record ClassScores(String label, PrecisionRecallF1 scores, long support) {}
