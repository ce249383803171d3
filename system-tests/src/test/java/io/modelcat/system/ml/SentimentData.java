package io.modelcat.system.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small learnable text-classification dataset in the tiny fixture tokenizer's vocabulary: each
 * sentence holds "good" (positive) or "bad" (negative) among filler words; 60% are positive, so
 * the majority-class baseline is 0.6.
 */
final class SentimentData {

    private static final String[] FILLER = {"the", "a", "cat", "dog", "sat", "on", "mat", "movie", "was", "is"};

    private SentimentData() {
    }

    static String csv(int rows, long seed) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("review,sentiment\n");
        for (int i = 0; i < rows; i++) {
            boolean positive = random.nextDouble() < 0.6;
            List<String> words = new ArrayList<>();
            int length = 3 + random.nextInt(6);
            for (int w = 0; w < length; w++) {
                words.add(FILLER[random.nextInt(FILLER.length)]);
            }
            words.add(random.nextInt(words.size() + 1), positive ? "good" : "bad");
            csv.append('"').append(String.join(" ", words)).append(" .\",")
                    .append(positive ? "positive" : "negative").append('\n');
        }
        return csv.toString();
    }
}
