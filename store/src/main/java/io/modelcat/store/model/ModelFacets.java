package io.modelcat.store.model;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How many models each task, fine-tuning task and licence would give, most first (equal counts by value). */
public record ModelFacets(Map<String, Long> task, Map<String, Long> finetuningTask, Map<String, Long> license) {

    /**
     * The facets of {@code query} from the cards it matches, counted by combination of task, licence and fine-tuning
     * tasks ({@code combinations}: the cards its search text and tags match, or every card without those). Each
     * dimension counts the cards that the query's other filters match, its own filter left out, so that its chips
     * say what choosing another value would give.
     */
    public static ModelFacets of(Collection<CardCombinations.Combination> combinations, ModelQuery query) {
        Map<String, Long> tasks = new HashMap<>();
        Map<String, Long> finetuningTasks = new HashMap<>();
        Map<String, Long> licenses = new HashMap<>();
        for (CardCombinations.Combination combination : combinations) {
            if (combination.cards() == 0) {
                continue;
            }
            boolean task = combination.taskMatches(query);
            boolean license = combination.licenseMatches(query);
            boolean finetuning = combination.finetuningMatches(query);
            if (license && finetuning) {
                tasks.merge(combination.task(), combination.cards(), Long::sum);
            }
            if (task && license) {
                for (String finetuningTask : combination.finetuningTasks()) {
                    finetuningTasks.merge(finetuningTask, combination.cards(), Long::sum);
                }
            }
            if (task && finetuning) {
                licenses.merge(combination.license(), combination.cards(), Long::sum);
            }
        }
        return new ModelFacets(mostFirst(tasks), mostFirst(finetuningTasks), mostFirst(licenses));
    }

    private static Map<String, Long> mostFirst(Map<String, Long> counts) {
        List<Map.Entry<String, Long>> entries = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .toList();
        Map<String, Long> ordered = new LinkedHashMap<>();
        entries.forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return Collections.unmodifiableMap(ordered);
    }
}
