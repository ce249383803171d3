package io.modelcat.ml.infer;

import java.util.List;

/** A classification result: the winning label and the softmax probability of every label, by id. */
public record LabelScores(String label, int labelId, List<Double> probabilities) {

    public LabelScores {
        probabilities = List.copyOf(probabilities);
    }

    public double score() {
        return probabilities.get(labelId);
    }
}
