package io.modelcat.ml.train;

/** Two texts and the class id of their relation (entailment, paraphrase, ...), one pair classification example. */
public record LabeledPair(String first, String second, int label) {}
