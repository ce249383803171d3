package io.modelcat.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Property-style checks over many random sizes, seeds and label mixes. */
class SplitPlanTest {

    @Test
    void defaultFractionsFollowTheReferenceProduct() {
        assertThat(SplitPlan.fractionsFor(false, false)).isEqualTo(Map.of(Split.TRAIN, 0.8, Split.VALIDATION, 0.1, Split.TEST, 0.1));
        assertThat(SplitPlan.fractionsFor(true, false)).isEqualTo(Map.of(Split.TRAIN, 0.8, Split.VALIDATION, 0.0, Split.TEST, 0.2));
        assertThat(SplitPlan.fractionsFor(false, true)).isEqualTo(Map.of(Split.TRAIN, 0.8, Split.VALIDATION, 0.2, Split.TEST, 0.0));
        assertThat(SplitPlan.fractionsFor(true, true)).isEqualTo(Map.of(Split.TRAIN, 1.0, Split.VALIDATION, 0.0, Split.TEST, 0.0));
    }

    @Test
    void everyRowIsInExactlyOneSplitAndSizesAddUp() {
        Random random = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            int n = random.nextInt(2000);
            boolean validationGiven = random.nextBoolean();
            boolean testGiven = random.nextBoolean();
            SplitPlan plan = SplitPlan.random(n, validationGiven, testGiven, random.nextLong());

            boolean[] seen = new boolean[n];
            int total = 0;
            for (Split split : Split.values()) {
                int[] rows = plan.rows(split);
                assertThat(rows.length).isEqualTo(plan.sizes().get(split));
                for (int i = 0; i < rows.length; i++) {
                    assertThat(seen[rows[i]]).as("row %d in two splits", rows[i]).isFalse();
                    seen[rows[i]] = true;
                    assertThat(plan.splitOf(rows[i])).isEqualTo(split);
                    if (i > 0) {
                        assertThat(rows[i]).isGreaterThan(rows[i - 1]);
                    }
                }
                total += rows.length;
                double expected = n * plan.fractions().get(split);
                assertThat((double) plan.sizes().get(split)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1.0));
            }
            assertThat(total).isEqualTo(n);
            if (validationGiven) {
                assertThat(plan.sizes().get(Split.VALIDATION)).isZero();
            }
            if (testGiven) {
                assertThat(plan.sizes().get(Split.TEST)).isZero();
            }
        }
    }

    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
        SplitPlan a = SplitPlan.random(1000, false, false, 7);
        SplitPlan b = SplitPlan.random(1000, false, false, 7);
        SplitPlan c = SplitPlan.random(1000, false, false, 8);
        for (Split split : Split.values()) {
            assertThat(a.rows(split)).isEqualTo(b.rows(split));
        }
        assertThat(a.rows(Split.TEST)).isNotEqualTo(c.rows(Split.TEST));
    }

    @Test
    void stratifiedSplitsKeepEachLabelsShare() {
        Random random = new Random(1);
        for (int trial = 0; trial < 100; trial++) {
            int n = 50 + random.nextInt(3000);
            int labelCount = 1 + random.nextInt(5);
            List<Object> labels = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // skewed label mix, with nulls, so small classes are exercised
                int l = Math.min(labelCount - 1, (int) Math.floor(-Math.log(1 - random.nextDouble()) * 1.2));
                labels.add(l == 0 && random.nextInt(50) == 0 ? null : "label-" + l);
            }
            SplitPlan plan = SplitPlan.stratified(labels, false, random.nextBoolean(), random.nextLong());

            Map<Object, Integer> perLabel = new HashMap<>();
            Map<String, Integer> perLabelAndSplit = new HashMap<>();
            for (int i = 0; i < n; i++) {
                perLabel.merge(String.valueOf(labels.get(i)), 1, Integer::sum);
                perLabelAndSplit.merge(labels.get(i) + "/" + plan.splitOf(i), 1, Integer::sum);
            }
            int total = 0;
            for (Map.Entry<Object, Integer> label : perLabel.entrySet()) {
                for (Split split : Split.values()) {
                    int count = perLabelAndSplit.getOrDefault(label.getKey() + "/" + split, 0);
                    double expected = label.getValue() * plan.fractions().get(split);
                    assertThat((double) count).as("label %s in %s", label.getKey(), split)
                            .isCloseTo(expected, org.assertj.core.data.Offset.offset(1.0));
                    total += count;
                }
            }
            assertThat(total).isEqualTo(n);
        }
    }
}
