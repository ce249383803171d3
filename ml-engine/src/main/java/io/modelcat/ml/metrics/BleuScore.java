package io.modelcat.ml.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Corpus BLEU up to 4-grams without smoothing over {@code 13a} tokens, as sacreBLEU's
 * {@code BLEU(tokenize="13a", smooth_method="none").corpus_score} computes it, as a fraction (sacreBLEU
 * prints it times 100): clipped n-gram counts pooled over the corpus, and for the brevity penalty
 * the reference closest in length to each prediction (the shorter one on a tie), as sacreBLEU,
 * mteval-v13a and NLTK do. (The Hugging Face {@code bleu} metric takes the shortest reference
 * instead; no reference implementation that runs offline does, so this follows sacreBLEU.)
 *
 * @param precisions modified n-gram precisions for n = 1..4
 * @param referenceLength the summed lengths of the references closest in length to each prediction
 */
public record BleuScore(double bleu, List<Double> precisions, double brevityPenalty, long predictionLength,
        long referenceLength) {

    private static final int MAX_ORDER = 4;
    private static final Pattern PUNCTUATION = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern PERIOD_COMMA_AFTER = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    public BleuScore {
        precisions = List.copyOf(precisions);
    }

    /** @param references for each prediction, one or more reference texts */
    public static BleuScore of(List<String> predictions, List<List<String>> references) {
        if (predictions.size() != references.size() || predictions.isEmpty()) {
            throw new IllegalArgumentException("need references for every prediction, at least one");
        }
        long[] matches = new long[MAX_ORDER];
        long[] possible = new long[MAX_ORDER];
        long predictionLength = 0;
        long referenceLength = 0;
        for (int index = 0; index < predictions.size(); index++) {
            List<String> predicted = tokenize(predictions.get(index));
            List<List<String>> tokenizedReferences = references.get(index).stream().map(BleuScore::tokenize).toList();
            predictionLength += predicted.size();
            referenceLength += closestLength(predicted.size(), tokenizedReferences);
            for (int order = 1; order <= MAX_ORDER; order++) {
                Map<List<String>, Integer> allowed = new HashMap<>();
                for (List<String> reference : tokenizedReferences) {
                    NGrams.count(reference, order).forEach((gram, count) -> allowed.merge(gram, count, Math::max));
                }
                matches[order - 1] += NGrams.clippedOverlap(NGrams.count(predicted, order), allowed);
                possible[order - 1] += Math.max(0, predicted.size() - order + 1);
            }
        }
        List<Double> precisions = new ArrayList<>();
        double logSum = 0;
        boolean anyZero = false;
        for (int order = 0; order < MAX_ORDER; order++) {
            double precision = possible[order] > 0 ? (double) matches[order] / possible[order] : 0;
            precisions.add(precision);
            anyZero |= precision == 0;
            logSum += precision > 0 ? Math.log(precision) / MAX_ORDER : 0;
        }
        // Only a prediction shorter than its references is penalised; an empty one scores 0.
        double brevityPenalty = predictionLength >= referenceLength ? 1
                : predictionLength == 0 ? 0 : Math.exp(1 - (double) referenceLength / predictionLength);
        double bleu = anyZero ? 0 : Math.exp(logSum) * brevityPenalty;
        return new BleuScore(bleu, precisions, brevityPenalty, predictionLength, referenceLength);
    }

    /** The reference length closest to {@code predicted}; the shorter of two equally close ones. */
    private static int closestLength(int predicted, List<List<String>> references) {
        int closest = -1;
        for (List<String> reference : references) {
            int length = reference.size();
            if (closest < 0 || Math.abs(predicted - length) < Math.abs(predicted - closest)
                    || Math.abs(predicted - length) == Math.abs(predicted - closest) && length < closest) {
                closest = length;
            }
        }
        if (closest < 0) {
            throw new IllegalArgumentException("every prediction needs at least one reference");
        }
        return closest;
    }

    /**
     * A segment as sacreBLEU's BLEU tokenises it: trailing white space stripped first (so a final
     * "-\n" stays a hyphen), then the 13a tokeniser (unescape a few entities, split off punctuation,
     * keep 1,000.5 whole), then split on white space as Python's {@code str.split()} does (no-break
     * and ideographic spaces too).
     */
    public static List<String> tokenize(String text) {
        String line = PythonText.rstrip(text).replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
                .replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        line = " " + line + " ";
        line = PUNCTUATION.matcher(line).replaceAll(" $1 ");
        line = PERIOD_COMMA_AFTER.matcher(line).replaceAll("$1 $2 ");
        line = PERIOD_COMMA_BEFORE.matcher(line).replaceAll(" $1 $2");
        line = DASH_AFTER_DIGIT.matcher(line).replaceAll("$1 $2 ");
        return PythonText.split(line);
    }
}
