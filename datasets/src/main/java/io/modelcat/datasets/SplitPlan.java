package io.modelcat.datasets;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A deterministic split of a training dataset's rows (by row index) into train, validation and test,
 * for the splits the user did not supply separately. With neither validation nor test data given the
 * rows are split 80/10/10; with only one of them missing, 20% is held out for it; with both given,
 * every row trains. The same rows, fractions and seed always give the same plan, and a row is in
 * exactly one split. With labels, each label is split on its own so every split keeps the label mix.
 */
public final class SplitPlan {

    private final long seed;
    private final Map<Split, Double> fractions;
    private final byte[] assignment;
    private final Map<Split, Integer> sizes;

    private SplitPlan(long seed, Map<Split, Double> fractions, byte[] assignment) {
        this.seed = seed;
        this.fractions = Collections.unmodifiableMap(fractions);
        this.assignment = assignment;
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            counts.put(s, 0);
        }
        for (byte b : assignment) {
            counts.merge(Split.values()[b], 1, Integer::sum);
        }
        this.sizes = Collections.unmodifiableMap(counts);
    }

    /** The fractions of the training data held out, given which splits the user supplied separately. */
    public static Map<Split, Double> fractionsFor(boolean validationGiven, boolean testGiven) {
        Map<Split, Double> f = new EnumMap<>(Split.class);
        double validation = validationGiven ? 0 : testGiven ? 0.2 : 0.1;
        double test = testGiven ? 0 : validationGiven ? 0.2 : 0.1;
        f.put(Split.TRAIN, 1 - validation - test);
        f.put(Split.VALIDATION, validation);
        f.put(Split.TEST, test);
        return f;
    }

    /** Splits {@code rowCount} rows at random (seeded). */
    public static SplitPlan random(int rowCount, boolean validationGiven, boolean testGiven, long seed) {
        return stratified(Collections.nCopies(rowCount, "all"), validationGiven, testGiven, seed);
    }

    /**
     * Splits rows so that each label's rows are divided in the plan's fractions.
     *
     * @param labels the label of each row, by row index (null is a label of its own)
     */
    public static SplitPlan stratified(List<?> labels, boolean validationGiven, boolean testGiven, long seed) {
        Map<Split, Double> fractions = fractionsFor(validationGiven, testGiven);
        Map<Object, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            groups.computeIfAbsent(Objects.requireNonNullElse(labels.get(i), NullLabel.INSTANCE), k -> new ArrayList<>()).add(i);
        }
        byte[] assignment = new byte[labels.size()];
        Random random = new Random(seed);
        for (List<Integer> rows : groups.values()) {
            Collections.shuffle(rows, random);
            int n = rows.size();
            int validation = (int) Math.round(n * fractions.get(Split.VALIDATION));
            int test = (int) Math.round(n * fractions.get(Split.TEST));
            if (validation + test > n) {
                test = n - validation;
            }
            for (int k = 0; k < n; k++) {
                Split split = k < validation ? Split.VALIDATION : k < validation + test ? Split.TEST : Split.TRAIN;
                assignment[rows.get(k)] = (byte) split.ordinal();
            }
        }
        return new SplitPlan(seed, new EnumMap<>(fractions), assignment);
    }

    public long seed() {
        return seed;
    }

    public Map<Split, Double> fractions() {
        return fractions;
    }

    /** How many rows each split holds. */
    public Map<Split, Integer> sizes() {
        return sizes;
    }

    public int rowCount() {
        return assignment.length;
    }

    /** The split a row (by 0-based index in the file's good rows) belongs to. */
    public Split splitOf(int rowIndex) {
        return Split.values()[assignment[rowIndex]];
    }

    /** The row indexes of one split, ascending, so a reader can pick them in one pass over the file. */
    public int[] rows(Split split) {
        int[] out = new int[sizes.get(split)];
        int k = 0;
        for (int i = 0; i < assignment.length; i++) {
            if (assignment[i] == split.ordinal()) {
                out[k++] = i;
            }
        }
        return out;
    }

    /** Labels are compared with equals; null rows form one group, kept apart from the string "null". */
    private enum NullLabel {
        INSTANCE
    }
}
