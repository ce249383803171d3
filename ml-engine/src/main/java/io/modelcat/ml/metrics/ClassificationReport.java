package io.modelcat.ml.metrics;

import java.util.List;

/**
 * Single-label classification metrics, as scikit-learn computes them with its default
 * {@code labels=None} (and so as {@code classification_report} and the Hugging Face metrics report
 * them). Macro averages equally over the classes that occur, as a true label or as a prediction;
 * weighted averages by support; micro pools all decisions (and so equals accuracy for single-label
 * data). A 0/0 precision or recall counts as 0. {@link #perClass()} lists every class, including
 * those that never occur (all zero, support 0), and the confusion matrix has a row and column for each.
 */
public record ClassificationReport(double accuracy, List<ClassScores> perClass, PrecisionRecallF1 macro,
        PrecisionRecallF1 micro, PrecisionRecallF1 weighted, ConfusionMatrix confusionMatrix) {

    public ClassificationReport {
        perClass = List.copyOf(perClass);
    }

    /** @param labels class names by id; every id in {@code actual} and {@code predicted} must index it */
    public static ClassificationReport of(int[] actual, int[] predicted, List<String> labels) {
        ConfusionMatrix matrix = ConfusionMatrix.of(actual, predicted, labels.size());
        long total = matrix.total();
        long correct = 0;
        long predictedPositives = 0;
        long actualPositives = 0;
        double macroPrecision = 0;
        double macroRecall = 0;
        double macroF1 = 0;
        double weightedPrecision = 0;
        double weightedRecall = 0;
        double weightedF1 = 0;
        int occurring = 0;
        List<ClassScores> perClass = new java.util.ArrayList<>();
        for (int label = 0; label < labels.size(); label++) {
            long truePositives = matrix.truePositives(label);
            long predictedAsLabel = truePositives + matrix.falsePositives(label);
            long support = matrix.support(label);
            PrecisionRecallF1 scores = PrecisionRecallF1.fromCounts(truePositives, predictedAsLabel, support);
            perClass.add(new ClassScores(labels.get(label), scores, support));
            correct += truePositives;
            predictedPositives += predictedAsLabel;
            actualPositives += support;
            // A class the model knows but that neither the data nor the predictions contain would
            // pull the macro average down with a 0 that says nothing; scikit-learn leaves it out.
            if (support > 0 || predictedAsLabel > 0) {
                occurring++;
                macroPrecision += scores.precision();
                macroRecall += scores.recall();
                macroF1 += scores.f1();
            }
            double weight = PrecisionRecallF1.ratio(support, total);
            weightedPrecision += scores.precision() * weight;
            weightedRecall += scores.recall() * weight;
            weightedF1 += scores.f1() * weight;
        }
        return new ClassificationReport(PrecisionRecallF1.ratio(correct, total), perClass,
                new PrecisionRecallF1(mean(macroPrecision, occurring), mean(macroRecall, occurring),
                        mean(macroF1, occurring)),
                PrecisionRecallF1.fromCounts(correct, predictedPositives, actualPositives),
                new PrecisionRecallF1(weightedPrecision, weightedRecall, weightedF1), matrix);
    }

    private static double mean(double sum, int count) {
        return count == 0 ? 0 : sum / count;
    }
}
