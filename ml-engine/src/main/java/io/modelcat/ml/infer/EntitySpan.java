package io.modelcat.ml.infer;

/**
 * An entity found in a tagged sentence: its type ({@code PER} for {@code B-PER}/{@code I-PER}),
 * the first word and the word after the last one (end exclusive), the words joined by single
 * spaces, and the mean of the words' tag scores.
 */
public record EntitySpan(String type, int startWord, int endWord, String text, double score) {

    public int wordCount() {
        return endWord - startWord;
    }
}
