package io.modelcat.system.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small learnable token-classification dataset (JSONL, IOB2) in the tiny fixture tokenizer's
 * vocabulary: "cat" and "dog" are ANIMAL entities, "mat" a THING, every other word is outside.
 */
final class AnimalTags {

    private static final String[] WORDS = {"the", "a", "cat", "dog", "sat", "on", "mat", "movie", "was", "is", "good", "bad"};

    private AnimalTags() {
    }

    static String jsonl(int rows, long seed) {
        Random random = new Random(seed);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            List<String> tokens = new ArrayList<>();
            List<String> tags = new ArrayList<>();
            int length = 4 + random.nextInt(6);
            for (int w = 0; w < length; w++) {
                String word = WORDS[random.nextInt(WORDS.length)];
                tokens.add("\"" + word + "\"");
                tags.add("\"" + switch (word) {
                    case "cat", "dog" -> "B-ANIMAL";
                    case "mat" -> "B-THING";
                    default -> "O";
                } + "\"");
            }
            out.append("{\"tokens\": [").append(String.join(", ", tokens)).append("], \"tags\": [")
                    .append(String.join(", ", tags)).append("]}\n");
        }
        return out.toString();
    }
}
