package io.modelcat.ml.infer;

/**
 * Picks the best answer span from start and end logits as {@code transformers}' question-answering
 * pipeline does: positions outside the context get no probability, start and end are each
 * softmax-normalised over the allowed positions, and the span maximises p(start)·p(end) subject
 * to start ≤ end and at most {@code maxAnswerTokens} tokens.
 */
public final class AnswerSpans {

    /** Token positions of the best span (both inclusive) and its probability p(start)·p(end). */
    public record Span(int startToken, int endToken, double score) {}

    private AnswerSpans() {}

    /**
     * @return the best span, or {@code null} when no position is allowed
     */
    public static Span best(float[] startLogits, float[] endLogits, boolean[] allowed, int maxAnswerTokens) {
        if (startLogits.length != endLogits.length || startLogits.length != allowed.length) {
            throw new IllegalArgumentException("start, end and allowed must have one entry per token");
        }
        if (maxAnswerTokens < 1) {
            throw new IllegalArgumentException("maxAnswerTokens must be >= 1: " + maxAnswerTokens);
        }
        double[] start = probabilities(startLogits, allowed);
        double[] end = probabilities(endLogits, allowed);
        if (start == null) {
            return null;
        }
        int bestStart = -1;
        int bestEnd = -1;
        double bestScore = -1;
        for (int first = 0; first < allowed.length; first++) {
            if (!allowed[first]) {
                continue;
            }
            for (int last = first; last < Math.min(allowed.length, first + maxAnswerTokens); last++) {
                if (allowed[last] && start[first] * end[last] > bestScore) {
                    bestScore = start[first] * end[last];
                    bestStart = first;
                    bestEnd = last;
                }
            }
        }
        return new Span(bestStart, bestEnd, bestScore);
    }

    private static double[] probabilities(float[] logits, boolean[] allowed) {
        double max = Double.NEGATIVE_INFINITY;
        for (int index = 0; index < logits.length; index++) {
            if (allowed[index]) {
                max = Math.max(max, logits[index]);
            }
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return null;
        }
        double[] probabilities = new double[logits.length];
        double sum = 0;
        for (int index = 0; index < logits.length; index++) {
            if (allowed[index]) {
                probabilities[index] = Math.exp(logits[index] - max);
                sum += probabilities[index];
            }
        }
        for (int index = 0; index < logits.length; index++) {
            probabilities[index] /= sum;
        }
        return probabilities;
    }
}
