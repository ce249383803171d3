package io.modelcat.ml.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** n-gram counting shared by ROUGE and BLEU. */
final class NGrams {

    private NGrams() {}

    static Map<List<String>, Integer> count(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int start = 0; start + n <= tokens.size(); start++) {
            counts.merge(List.copyOf(tokens.subList(start, start + n)), 1, Integer::sum);
        }
        return counts;
    }

    /** Matches of {@code candidate} n-grams, each clipped to how often {@code reference} has it. */
    static int clippedOverlap(Map<List<String>, Integer> candidate, Map<List<String>, Integer> reference) {
        int overlap = 0;
        for (Map.Entry<List<String>, Integer> entry : candidate.entrySet()) {
            overlap += Math.min(entry.getValue(), reference.getOrDefault(entry.getKey(), 0));
        }
        return overlap;
    }
}
