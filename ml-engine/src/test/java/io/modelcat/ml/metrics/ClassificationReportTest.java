package io.modelcat.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Worked by hand. True:      cat cat cat dog dog bird
 *                 Predicted: cat cat dog dog cat cat
 * Confusion (rows true): cat [2 1 0], dog [1 1 0], bird [1 0 0].
 * cat: tp 2, predicted 4, support 3 -> P 0.5, R 2/3, F1 4/7.
 * dog: tp 1, predicted 2, support 2 -> P 0.5, R 0.5, F1 0.5.
 * bird: tp 0, predicted 0, support 1 -> P 0 (0/0), R 0, F1 0.
 */
class ClassificationReportTest {

    private static final List<String> LABELS = List.of("cat", "dog", "bird");
    private static final int[] ACTUAL = {0, 0, 0, 1, 1, 2};
    private static final int[] PREDICTED = {0, 0, 1, 1, 0, 0};

    private final ClassificationReport report = ClassificationReport.of(ACTUAL, PREDICTED, LABELS);

    @Test
    void accuracyAndConfusionMatrix() {
        assertThat(report.accuracy()).isCloseTo(0.5, within(1e-12));
        assertThat(report.confusionMatrix().toArray()).isEqualTo(new long[][] {{2, 1, 0}, {1, 1, 0}, {1, 0, 0}});
        assertThat(report.confusionMatrix().falsePositives(0)).isEqualTo(2);
        assertThat(report.confusionMatrix().falseNegatives(2)).isEqualTo(1);
    }

    @Test
    void perClassScores() {
        ClassScores cat = report.perClass().get(0);
        assertThat(cat.label()).isEqualTo("cat");
        assertThat(cat.support()).isEqualTo(3);
        assertThat(cat.scores().precision()).isCloseTo(0.5, within(1e-12));
        assertThat(cat.scores().recall()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(cat.scores().f1()).isCloseTo(4.0 / 7, within(1e-12));
        assertThat(report.perClass().get(1).scores()).isEqualTo(new PrecisionRecallF1(0.5, 0.5, 0.5));
        assertThat(report.perClass().get(2).scores()).isEqualTo(new PrecisionRecallF1(0, 0, 0));
    }

    @Test
    void macroMicroAndWeightedAverages() {
        // macro: P (0.5+0.5+0)/3, R (2/3+0.5+0)/3, F1 (4/7+0.5+0)/3
        assertThat(report.macro().precision()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(report.macro().recall()).isCloseTo(7.0 / 18, within(1e-12));
        assertThat(report.macro().f1()).isCloseTo(15.0 / 42, within(1e-12));
        // micro pools: 3 correct of 6 predictions and 6 true labels
        assertThat(report.micro()).isEqualTo(new PrecisionRecallF1(0.5, 0.5, 0.5));
        // weighted by support 3, 2, 1 of 6: P (1.5+1)/6, R (2+1)/6, F1 (12/7+1)/6
        assertThat(report.weighted().precision()).isCloseTo(2.5 / 6, within(1e-12));
        assertThat(report.weighted().recall()).isCloseTo(0.5, within(1e-12));
        assertThat(report.weighted().f1()).isCloseTo((12.0 / 7 + 1) / 6, within(1e-12));
    }

    @Test
    void macroAverageLeavesOutClassesThatOccurNowhere() {
        // "fish" is a label of the model but neither true nor predicted: listed with zeros, left out of
        // the macro average (as scikit-learn with labels=None), which stays that of the three others.
        ClassificationReport withFish = ClassificationReport.of(ACTUAL, PREDICTED, List.of("cat", "dog", "bird", "fish"));
        assertThat(withFish.perClass()).hasSize(4);
        assertThat(withFish.perClass().get(3).scores()).isEqualTo(new PrecisionRecallF1(0, 0, 0));
        assertThat(withFish.macro().precision()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(withFish.macro().recall()).isCloseTo(7.0 / 18, within(1e-12));
        assertThat(withFish.macro().f1()).isCloseTo(15.0 / 42, within(1e-12));
        assertThat(withFish.weighted()).isEqualTo(report.weighted());
        // "bird" is true once and never predicted: it occurs, so its zeros do count
        assertThat(report.macro().precision()).isLessThan(0.5);
    }

    @Test
    void perfectPredictionsScoreOne() {
        ClassificationReport perfect = ClassificationReport.of(ACTUAL, ACTUAL, LABELS);
        assertThat(perfect.accuracy()).isEqualTo(1.0);
        assertThat(perfect.macro()).isEqualTo(new PrecisionRecallF1(1, 1, 1));
    }

    @Test
    void rejectsMismatchedLengthsAndUnknownClasses() {
        assertThatThrownBy(() -> ClassificationReport.of(new int[] {0}, new int[] {0, 1}, LABELS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClassificationReport.of(new int[] {3}, new int[] {0}, LABELS))
                .hasMessageContaining("class 3");
    }
}
