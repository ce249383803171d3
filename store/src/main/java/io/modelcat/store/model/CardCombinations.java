package io.modelcat.store.model;

import io.modelcat.store.SqlValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * How many cards each combination of task, licence and fine-tuning tasks has, as {@code model_facet_count} held them
 * when read (kept exact by V33's triggers: a few hundred rows however large the catalog). Enough to tell how many
 * cards a filter on those three matches without asking the database ({@link Models#list} uses it to choose how a
 * page is planned).
 */
public record CardCombinations(List<Combination> combinations) {

    public CardCombinations {
        combinations = List.copyOf(combinations);
    }

    /** One combination and its number of cards. */
    public record Combination(String task, String license, List<String> finetuningTasks, long cards) {

        public Combination {
            finetuningTasks = List.copyOf(finetuningTasks);
        }
    }

    /** The combinations as the database holds them now. */
    public static CardCombinations read(Connection c) throws SQLException {
        List<Combination> combinations = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT task, license, finetuning_tasks, n FROM model_facet_count WHERE n > 0");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                combinations.add(new Combination(rs.getString(1), rs.getString(2),
                        SqlValues.strings(rs.getArray(3)), rs.getLong(4)));
            }
        }
        return new CardCombinations(combinations);
    }

    /** Every card. */
    public long total() {
        return combinations.stream().mapToLong(Combination::cards).sum();
    }

    /** The cards the query's task, licence and fine-tuning task filters match (its search text and tags not counted). */
    public long matching(ModelQuery query) {
        long cards = 0;
        for (Combination combination : combinations) {
            if ((query.tasks().isEmpty() || query.tasks().contains(combination.task()))
                    && (query.licenses().isEmpty() || query.licenses().contains(combination.license()))
                    && (query.finetuningTasks().isEmpty()
                        || combination.finetuningTasks().stream().anyMatch(query.finetuningTasks()::contains))) {
                cards += combination.cards();
            }
        }
        return cards;
    }
}
