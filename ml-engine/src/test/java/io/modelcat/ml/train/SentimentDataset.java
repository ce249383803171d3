package io.modelcat.ml.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A learnable toy task over the fixtures' 45-token vocabulary: sentences with "good" are label 1,
 * with "bad" label 0, surrounded by distracting words.
 */
final class SentimentDataset {

    private static final List<String> SUBJECTS = List.of("the cat", "a cat", "the dog", "a dog", "the movie",
            "a movie", "the mat", "the cats", "the dogs", "a movies");
    private static final List<String> VERBS = List.of("was", "is");
    private static final List<String> TEMPLATES = List.of("%s %s %s.", "%s %s %s, the cat sat on the mat.",
            "the dog sat on a mat, %s %s %s.", "%s %s %s", "a cat sat. %s %s %s.");

    private final List<LabeledText> shuffled;

    SentimentDataset(long seed) {
        List<LabeledText> all = new ArrayList<>();
        for (String template : TEMPLATES) {
            for (String subject : SUBJECTS) {
                for (String verb : VERBS) {
                    all.add(new LabeledText(String.format(template, subject, verb, "good"), 1));
                    all.add(new LabeledText(String.format(template, subject, verb, "bad"), 0));
                }
            }
        }
        Collections.shuffle(all, new Random(seed));
        this.shuffled = List.copyOf(all);
    }

    List<LabeledText> train(int count) {
        return shuffled.subList(0, count);
    }

    /** Examples disjoint from {@link #train}. */
    List<LabeledText> heldOut(int trainCount, int count) {
        return shuffled.subList(trainCount, trainCount + count);
    }
}
