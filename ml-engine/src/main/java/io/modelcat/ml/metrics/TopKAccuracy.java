package io.modelcat.ml.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Top-k accuracy for ranked predictions (fill-mask): the share of items whose gold answer is among
 * the first k predictions. Add items, then read {@link #top1()}, {@link #top5()} or {@link #topK}.
 */
public final class TopKAccuracy {

    private final List<Integer> ranks = new ArrayList<>();

    /**
     * @param gold the right answer
     * @param ranked predictions, best first
     */
    public TopKAccuracy add(long gold, long[] ranked) {
        int rank = -1;
        for (int index = 0; index < ranked.length; index++) {
            if (ranked[index] == gold) {
                rank = index;
                break;
            }
        }
        ranks.add(rank);
        return this;
    }

    public int count() {
        return ranks.size();
    }

    /** Share of items answered within the first {@code k} predictions; 0 when there are none. */
    public double topK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1: " + k);
        }
        if (ranks.isEmpty()) {
            return 0;
        }
        long hits = ranks.stream().filter(rank -> rank >= 0 && rank < k).count();
        return (double) hits / ranks.size();
    }

    public double top1() {
        return topK(1);
    }

    public double top5() {
        return topK(5);
    }
}
