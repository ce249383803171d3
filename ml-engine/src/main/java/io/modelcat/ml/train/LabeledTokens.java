package io.modelcat.ml.train;

import java.util.List;

/** A sentence split into words with one tag id per word, one token classification example. */
public record LabeledTokens(List<String> words, List<Integer> labels) {

    public LabeledTokens {
        words = List.copyOf(words);
        labels = List.copyOf(labels);
        if (words.size() != labels.size()) {
            throw new IllegalArgumentException(words.size() + " words but " + labels.size() + " labels");
        }
    }
}
