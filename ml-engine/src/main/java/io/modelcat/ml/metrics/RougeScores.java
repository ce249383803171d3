package io.modelcat.ml.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * ROUGE-1, ROUGE-2 and ROUGE-L F-measures averaged over prediction/reference pairs, with the
 * tokenisation of Google's {@code rouge_score} (lower case, runs of non-alphanumerics split) and
 * no stemming. {@code evaluate}'s default bootstrap aggregate approximates this plain mean.
 */
public record RougeScores(double rouge1, double rouge2, double rougeL) {

    private static final Pattern NON_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");

    public static RougeScores of(List<String> predictions, List<String> references) {
        if (predictions.size() != references.size() || predictions.isEmpty()) {
            throw new IllegalArgumentException("need one reference per prediction, at least one pair");
        }
        double rouge1 = 0;
        double rouge2 = 0;
        double rougeL = 0;
        for (int index = 0; index < predictions.size(); index++) {
            List<String> predicted = tokenize(predictions.get(index));
            List<String> reference = tokenize(references.get(index));
            rouge1 += nGram(predicted, reference, 1).f1();
            rouge2 += nGram(predicted, reference, 2).f1();
            rougeL += longestCommonSubsequence(predicted, reference).f1();
        }
        int pairs = predictions.size();
        return new RougeScores(rouge1 / pairs, rouge2 / pairs, rougeL / pairs);
    }

    public static List<String> tokenize(String text) {
        String spaced = NON_ALPHANUMERIC.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
        return spaced.isEmpty() ? List.of() : Arrays.asList(spaced.split(" "));
    }

    public static PrecisionRecallF1 nGram(List<String> predicted, List<String> reference, int n) {
        var predictedCounts = NGrams.count(predicted, n);
        var referenceCounts = NGrams.count(reference, n);
        int overlap = NGrams.clippedOverlap(predictedCounts, referenceCounts);
        return PrecisionRecallF1.fromCounts(overlap, total(predictedCounts.values()), total(referenceCounts.values()));
    }

    public static PrecisionRecallF1 longestCommonSubsequence(List<String> predicted, List<String> reference) {
        int[][] lengths = new int[predicted.size() + 1][reference.size() + 1];
        for (int row = 1; row <= predicted.size(); row++) {
            for (int column = 1; column <= reference.size(); column++) {
                lengths[row][column] = predicted.get(row - 1).equals(reference.get(column - 1))
                        ? lengths[row - 1][column - 1] + 1
                        : Math.max(lengths[row - 1][column], lengths[row][column - 1]);
            }
        }
        return PrecisionRecallF1.fromCounts(lengths[predicted.size()][reference.size()], predicted.size(),
                reference.size());
    }

    private static long total(java.util.Collection<Integer> counts) {
        return new ArrayList<>(counts).stream().mapToLong(Integer::longValue).sum();
    }
}
