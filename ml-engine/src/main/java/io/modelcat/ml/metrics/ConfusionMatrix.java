package io.modelcat.ml.metrics;

/** Counts of (true class, predicted class) pairs; rows are true classes, columns predictions. */
public final class ConfusionMatrix {

    private final long[][] counts;

    private ConfusionMatrix(long[][] counts) {
        this.counts = counts;
    }

    public static ConfusionMatrix of(int[] actual, int[] predicted, int classCount) {
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException(actual.length + " true labels but " + predicted.length + " predictions");
        }
        long[][] counts = new long[classCount][classCount];
        for (int index = 0; index < actual.length; index++) {
            checkClass(actual[index], classCount);
            checkClass(predicted[index], classCount);
            counts[actual[index]][predicted[index]]++;
        }
        return new ConfusionMatrix(counts);
    }

    public int classCount() {
        return counts.length;
    }

    public long count(int actual, int predicted) {
        return counts[actual][predicted];
    }

    public long truePositives(int label) {
        return counts[label][label];
    }

    /** Predicted as {@code label} but truly another class. */
    public long falsePositives(int label) {
        long sum = 0;
        for (int actual = 0; actual < counts.length; actual++) {
            sum += actual == label ? 0 : counts[actual][label];
        }
        return sum;
    }

    /** Truly {@code label} but predicted as another class. */
    public long falseNegatives(int label) {
        long sum = 0;
        for (int predicted = 0; predicted < counts.length; predicted++) {
            sum += predicted == label ? 0 : counts[label][predicted];
        }
        return sum;
    }

    public long support(int label) {
        return truePositives(label) + falseNegatives(label);
    }

    public long total() {
        long sum = 0;
        for (long[] row : counts) {
            for (long value : row) {
                sum += value;
            }
        }
        return sum;
    }

    /** A copy of the counts, rows true classes, columns predictions. */
    public long[][] toArray() {
        long[][] copy = new long[counts.length][];
        for (int row = 0; row < counts.length; row++) {
            copy[row] = counts[row].clone();
        }
        return copy;
    }

    private static void checkClass(int label, int classCount) {
        if (label < 0 || label >= classCount) {
            throw new IllegalArgumentException("class " + label + " outside 0.." + (classCount - 1));
        }
    }
}
