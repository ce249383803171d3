package io.modelcat.ml.infer;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups word-level IOB2 tags into entity spans as {@code transformers}' token classification
 * pipeline does with {@code aggregation_strategy="simple"}: a {@code B-X} opens an entity, an
 * {@code I-X} continues the open entity if it is of type {@code X} and otherwise opens one (a
 * dangling {@code I-} is not dropped), {@code O} closes it. A tag without a prefix ({@code PER})
 * counts as {@code I-PER}. The score of an entity is the mean of its words' scores.
 */
public final class EntityAggregator {

    private static final String OUTSIDE = "O";

    private EntityAggregator() {}

    /** Spans with every word's score taken as 1. */
    public static List<EntitySpan> aggregate(List<String> words, List<String> tags) {
        double[] ones = new double[tags.size()];
        java.util.Arrays.fill(ones, 1.0);
        return aggregate(words, tags, ones);
    }

    /**
     * @param words the sentence's words
     * @param tags one tag per word
     * @param scores one score per word, normally the probability of its tag
     */
    public static List<EntitySpan> aggregate(List<String> words, List<String> tags, double[] scores) {
        if (words.size() != tags.size() || tags.size() != scores.length) {
            throw new IllegalArgumentException(words.size() + " words, " + tags.size() + " tags and "
                    + scores.length + " scores: need one tag and one score per word");
        }
        List<EntitySpan> spans = new ArrayList<>();
        String openType = null;
        int start = 0;
        for (int index = 0; index <= tags.size(); index++) {
            String tag = index < tags.size() ? tags.get(index) : OUTSIDE;
            boolean outside = tag.equals(OUTSIDE) || tag.isEmpty();
            boolean begins = tag.startsWith("B-");
            String type = outside ? null : (begins || tag.startsWith("I-") ? tag.substring(2) : tag);
            boolean continues = !outside && !begins && type.equals(openType);
            if (openType != null && !continues) {
                spans.add(span(words, scores, openType, start, index));
                openType = null;
            }
            if (!outside && !continues) {
                openType = type;
                start = index;
            }
        }
        return spans;
    }

    private static EntitySpan span(List<String> words, double[] scores, String type, int start, int end) {
        double sum = 0;
        for (int index = start; index < end; index++) {
            sum += scores[index];
        }
        return new EntitySpan(type, start, end, String.join(" ", words.subList(start, end)), sum / (end - start));
    }
}
