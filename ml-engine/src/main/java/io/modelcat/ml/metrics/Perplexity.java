package io.modelcat.ml.metrics;

/** Language-model perplexity: e raised to the mean negative log-likelihood per token (natural log). */
public final class Perplexity {

    private Perplexity() {}

    public static double fromMeanNll(double meanNegativeLogLikelihood) {
        return Math.exp(meanNegativeLogLikelihood);
    }

    /** Pools tokens across batches: total NLL over total token count, then exponentiates. */
    public static double fromTotals(double totalNegativeLogLikelihood, long tokenCount) {
        if (tokenCount <= 0) {
            throw new IllegalArgumentException("perplexity needs at least one token");
        }
        return fromMeanNll(totalNegativeLogLikelihood / tokenCount);
    }

    public static double fromTokenNlls(double[] tokenNegativeLogLikelihoods) {
        double total = 0;
        for (double value : tokenNegativeLogLikelihoods) {
            total += value;
        }
        return fromTotals(total, tokenNegativeLogLikelihoods.length);
    }
}
