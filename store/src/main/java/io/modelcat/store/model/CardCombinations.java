package io.modelcat.store.model;

import io.modelcat.store.SqlValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * How many cards each combination of task, licence and fine-tuning tasks has, as {@code model_facet_count} held them
 * when read (kept exact by V33's triggers: a few hundred rows however large the catalog), each with its name in the
 * combination indexes (V42). Enough to tell how many cards a filter on those three matches without asking the
 * database, and which combinations it matches ({@link Models#list} uses both to choose how a page is read). Holds
 * every row, also of combinations no card has now: rows are never deleted (V42), so a page tells by their number
 * whether a combination was added since they were read.
 */
public final class CardCombinations {

    private final List<Combination> combinations;
    private final long total;
    /** The combinations of each task: a page filters on a task or two of the few the catalog has. */
    private final Map<String, List<Combination>> byTask;

    public CardCombinations(List<Combination> combinations) {
        this.combinations = List.copyOf(combinations);
        this.total = this.combinations.stream().mapToLong(Combination::cards).sum();
        Map<String, List<Combination>> byTask = new HashMap<>();
        for (Combination combination : this.combinations) {
            byTask.computeIfAbsent(combination.task(), task -> new ArrayList<>()).add(combination);
        }
        byTask.replaceAll((task, ofTask) -> List.copyOf(ofTask));
        this.byTask = Map.copyOf(byTask);
    }

    /** One combination, its name in the combination indexes ({@code model_combination}, V42), its number of cards. */
    public record Combination(String task, String license, List<String> finetuningTasks, String key, long cards) {

        public Combination {
            finetuningTasks = List.copyOf(finetuningTasks);
        }

        /** Whether the query's task filter matches it (no filter matches all). */
        boolean taskMatches(ModelQuery query) {
            return query.tasks().isEmpty() || query.tasks().contains(task);
        }

        /** Whether the query's licence filter matches it (no filter matches all). */
        boolean licenseMatches(ModelQuery query) {
            return query.licenses().isEmpty() || query.licenses().contains(license);
        }

        /** Whether the query's fine-tuning task filter matches it: any of the filter's tasks (no filter matches all). */
        boolean finetuningMatches(ModelQuery query) {
            return query.finetuningTasks().isEmpty() || !Collections.disjoint(finetuningTasks, query.finetuningTasks());
        }
    }

    /** Every row of {@code model_facet_count}, in the columns {@link #rows} reads. */
    static final String SELECT_ALL =
            "SELECT task, license, finetuning_tasks, model_combination(task, license, finetuning_tasks), n"
                    + " FROM model_facet_count";

    /** The combinations as the database holds them now. */
    public static CardCombinations read(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_ALL); ResultSet rs = ps.executeQuery()) {
            return new CardCombinations(rows(rs));
        }
    }

    /**
     * The combinations a statement answered, each row its task, licence, fine-tuning tasks, name
     * ({@code model_combination}) and number of cards, in that order ({@link #SELECT_ALL}, and a list's facet counts).
     */
    static List<Combination> rows(ResultSet rs) throws SQLException {
        List<Combination> combinations = new ArrayList<>();
        while (rs.next()) {
            combinations.add(new Combination(rs.getString(1), rs.getString(2), SqlValues.strings(rs.getArray(3)),
                    rs.getString(4), rs.getLong(5)));
        }
        return combinations;
    }

    /** Every combination, also those no card has now. */
    public List<Combination> combinations() {
        return combinations;
    }

    /** Every card. */
    public long total() {
        return total;
    }

    /** The combinations the query's task, licence and fine-tuning task filters match, also those no card has now. */
    public List<Combination> matchedBy(ModelQuery query) {
        List<Combination> matched = new ArrayList<>();
        if (query.tasks().isEmpty()) {
            addMatched(combinations, query, matched);
        } else {
            // A task given twice is one filter value: its combinations once.
            for (String task : new LinkedHashSet<>(query.tasks())) {
                addMatched(byTask.getOrDefault(task, List.of()), query, matched);
            }
        }
        return matched;
    }

    private static void addMatched(List<Combination> candidates, ModelQuery query, List<Combination> matched) {
        for (Combination combination : candidates) {
            if (combination.licenseMatches(query) && combination.finetuningMatches(query)) {
                matched.add(combination);
            }
        }
    }
}
