package io.modelcat.ml.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * SQuAD exact match and token F1, each the mean over questions of the best score against any gold
 * answer, as fractions in [0, 1] (the official script prints them times 100).
 */
public record SquadScores(double exactMatch, double f1) {

    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final Set<String> ARTICLES = Set.of("a", "an", "the");

    /** @param goldAnswers for each prediction, its acceptable answers (at least one) */
    public static SquadScores of(List<String> predictions, List<List<String>> goldAnswers) {
        if (predictions.size() != goldAnswers.size() || predictions.isEmpty()) {
            throw new IllegalArgumentException("need one non-empty gold list per prediction");
        }
        double exact = 0;
        double f1 = 0;
        for (int index = 0; index < predictions.size(); index++) {
            String prediction = predictions.get(index);
            exact += goldAnswers.get(index).stream().mapToDouble(gold -> exactMatch(prediction, gold)).max()
                    .orElseThrow();
            f1 += goldAnswers.get(index).stream().mapToDouble(gold -> f1(prediction, gold)).max().orElseThrow();
        }
        return new SquadScores(exact / predictions.size(), f1 / predictions.size());
    }

    /**
     * The official script's {@code normalize_answer}: lower case, drop ASCII punctuation, replace the
     * words a/an/the by a space ({@code re.sub(r"\b(a|an|the)\b", " ", ...)}), split on white space
     * and join with single spaces, all with Python's meaning of word character and white space.
     */
    public static String normalize(String text) {
        StringBuilder kept = new StringBuilder();
        for (char character : text.toLowerCase(Locale.ROOT).toCharArray()) {
            if (PUNCTUATION.indexOf(character) < 0) {
                kept.append(character);
            }
        }
        return String.join(" ", PythonText.split(withoutArticles(kept.toString())));
    }

    /**
     * A match of {@code \b(a|an|the)\b} is exactly a maximal run of word characters that spells an
     * article, so runs are compared whole. A combining accent ends a run ("the" + U+0301 loses its
     * "the") while ² and ½ continue one ("a²" stays), as in Python; Java's own {@code \b} differs
     * on both.
     */
    private static String withoutArticles(String text) {
        StringBuilder result = new StringBuilder(text.length());
        int index = 0;
        while (index < text.length()) {
            int end = index;
            while (end < text.length() && PythonText.isWordCharacter(text.codePointAt(end))) {
                end += Character.charCount(text.codePointAt(end));
            }
            if (end > index) {
                String word = text.substring(index, end);
                result.append(ARTICLES.contains(word) ? " " : word);
                index = end;
            } else {
                int codePoint = text.codePointAt(index);
                result.appendCodePoint(codePoint);
                index += Character.charCount(codePoint);
            }
        }
        return result.toString();
    }

    public static double exactMatch(String prediction, String gold) {
        return normalize(prediction).equals(normalize(gold)) ? 1 : 0;
    }

    /** Token-overlap F1; when either side normalises to nothing, 1 if both do, else 0 (SQuAD 2.0). */
    public static double f1(String prediction, String gold) {
        List<String> predicted = PythonText.split(normalize(prediction));
        List<String> expected = PythonText.split(normalize(gold));
        if (predicted.isEmpty() || expected.isEmpty()) {
            return predicted.equals(expected) ? 1 : 0;
        }
        Map<String, Integer> remaining = new HashMap<>();
        expected.forEach(token -> remaining.merge(token, 1, Integer::sum));
        int common = 0;
        for (String token : predicted) {
            Integer left = remaining.get(token);
            if (left != null && left > 0) {
                remaining.put(token, left - 1);
                common++;
            }
        }
        if (common == 0) {
            return 0;
        }
        double precision = (double) common / predicted.size();
        double recall = (double) common / expected.size();
        return 2 * precision * recall / (precision + recall);
    }
}
