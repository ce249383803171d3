package io.modelcat.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Made-up summarization and translation sets (JSONL) in the tiny encoder-decoders' words, which a few epochs teach
 * them: the same rows for a seed, so that job tests and system tests learn the same thing.
 */
public final class Seq2SeqData {

    /** Words the tiny T5's and BART's tokenizers know. */
    public static final List<String> WORDS = List.of("cat", "dog", "mat", "sat", "good", "ran", "bad");
    /** English words of the tiny Marian's source.spm and their German in its target.spm. */
    public static final Map<String, String> ENGLISH_TO_GERMAN = Map.of("cat", "katze", "dog", "hund", "mat", "matte",
            "good", "gut", "bad", "schlecht");
    private static final Map<String, String> SWAPPED = Map.of("cat", "dog", "dog", "cat", "good", "bad", "bad", "good",
            "sat", "ran", "ran", "sat", "mat", "mat");

    private Seq2SeqData() {
    }

    /** "Documents" of six of {@link #WORDS} ({@code article}) whose summary is their first two ({@code highlights}). */
    public static String firstWords(int rows, long seed) {
        Random random = new Random(seed);
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            List<String> words = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                words.add(WORDS.get(random.nextInt(WORDS.size())));
            }
            jsonl.append("{\"article\": \"").append(String.join(" ", words)).append("\", \"highlights\": \"")
                    .append(String.join(" ", words.subList(0, 2))).append("\"}\n");
        }
        return jsonl.toString();
    }

    /**
     * A made-up language in which every sentence ({@code en}) says where its first word sat ({@code de}): that word
     * becomes another (cat and dog, good and bad, sat and ran swap; mat stays) followed by "sat on a mat".
     */
    public static String swappedWords(int rows, long seed) {
        return firstWordTranslated(rows, seed, WORDS, SWAPPED, "sat on a mat");
    }

    /**
     * Five of the tiny Marian's English words ({@code en}) and a made-up German that says where the first of them sat
     * ({@code de}): its German word, then "sass auf der matte".
     */
    public static String whereTheFirstSat(int rows, long seed) {
        return firstWordTranslated(rows, seed, List.copyOf(new TreeSet<>(ENGLISH_TO_GERMAN.keySet())),
                ENGLISH_TO_GERMAN, "sass auf der matte");
    }

    private static String firstWordTranslated(int rows, long seed, List<String> vocabulary, Map<String, String> first,
                                              String rest) {
        Random random = new Random(seed);
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            List<String> source = new ArrayList<>();
            for (int w = 0; w < 5; w++) {
                source.add(vocabulary.get(random.nextInt(vocabulary.size())));
            }
            jsonl.append("{\"en\": \"").append(String.join(" ", source)).append("\", \"de\": \"")
                    .append(first.get(source.get(0))).append(' ').append(rest).append("\"}\n");
        }
        return jsonl.toString();
    }
}
