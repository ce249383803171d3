package io.modelcat.runner.task;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * How a dataset's label values correspond to a model's label ids: by name when the model's labels
 * are named (case-insensitive), by number for integer labels, and by sorted order for a model whose
 * labels are the placeholders {@code LABEL_0, LABEL_1, ...} that a new head gets.
 */
public final class LabelSpace {

    private static final Pattern PLACEHOLDER = Pattern.compile("LABEL_\\d+");
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");

    private final List<String> modelLabels;
    private final Map<String, Integer> ids = new HashMap<>();

    private LabelSpace(List<String> modelLabels) {
        this.modelLabels = List.copyOf(modelLabels);
    }

    /** The model's label names. */
    public List<String> modelLabels() {
        return modelLabels;
    }

    /** The model's id for a dataset label, or -1 when the model has no such label. */
    public int idOf(String datasetLabel) {
        return ids.getOrDefault(datasetLabel, -1);
    }

    /** The label set a new head gets for these dataset labels: integers in numeric order, texts sorted. */
    public static List<String> labelsFor(Collection<String> datasetLabels) {
        return new TreeSet<>(datasetLabels).stream().sorted(labelOrder()).toList();
    }

    public static LabelSpace of(List<String> modelLabels, Collection<String> datasetLabels) {
        LabelSpace space = new LabelSpace(modelLabels);
        boolean placeholders = modelLabels.stream().allMatch(l -> PLACEHOLDER.matcher(l).matches());
        List<String> distinct = labelsFor(datasetLabels);
        boolean integers = distinct.stream().allMatch(l -> INTEGER.matcher(l).matches());
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < modelLabels.size(); i++) {
            byName.put(modelLabels.get(i).toLowerCase(Locale.ROOT), i);
        }
        for (int i = 0; i < distinct.size(); i++) {
            String label = distinct.get(i);
            Integer id = byName.get(label.toLowerCase(Locale.ROOT));
            if (id == null && integers) {
                int n = Integer.parseInt(label);
                id = n >= 0 && n < modelLabels.size() ? n : null;
            }
            if (id == null && placeholders && distinct.size() <= modelLabels.size()) {
                id = i;
            }
            if (id != null) {
                space.ids.put(label, id);
            }
        }
        return space;
    }

    private static Comparator<String> labelOrder() {
        return (a, b) -> {
            boolean ai = INTEGER.matcher(a).matches();
            boolean bi = INTEGER.matcher(b).matches();
            if (ai && bi) {
                return Long.compare(Long.parseLong(a), Long.parseLong(b));
            }
            return ai != bi ? (ai ? -1 : 1) : a.compareTo(b);
        };
    }
}
