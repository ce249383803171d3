package io.modelcat.ml.metrics;

/** Precision, recall and F1 in [0, 1]; an undefined ratio (0/0) counts as 0, as scikit-learn reports it. */
public record PrecisionRecallF1(double precision, double recall, double f1) {

    public static PrecisionRecallF1 fromCounts(long truePositives, long predicted, long actual) {
        double precision = ratio(truePositives, predicted);
        double recall = ratio(truePositives, actual);
        return new PrecisionRecallF1(precision, recall, harmonicMean(precision, recall));
    }

    static double harmonicMean(double precision, double recall) {
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }
}
