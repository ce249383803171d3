package io.modelcat.catalog.llm;

import io.modelcat.store.llm.LlmConnections;
import io.modelcat.store.model.HostedCards;
import io.modelcat.store.model.ModelFields;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The catalog cards of a connection's models (docs/llm.md): one per allowed model, task text-generation, written in
 * the transaction that writes the connection. A {@code modelcat} connection has none: the models its endpoint serves
 * have cards of their own.
 */
final class HostedModelCards {

    static final String TASK = "text-generation";

    private HostedModelCards() {
    }

    /** Makes the connection's cards match its settings; {@code settings} null: the connection is being deleted. */
    static void sync(Connection c, String name, LlmConnections.Settings settings) throws SQLException {
        HostedCards.sync(c, name, settings == null ? List.of() : cards(name, settings));
    }

    static List<ModelFields> cards(String name, LlmConnections.Settings s) {
        ProviderKind kind = ProviderKind.known(s.kind());
        List<ModelFields> cards = new ArrayList<>();
        if (kind == ProviderKind.MODELCAT) {
            return cards;
        }
        for (String model : s.allowedModels()) {
            cards.add(new ModelFields(model, kind.publisher(), description(name, s, kind, model), TASK, List.of(),
                    kind.license(), List.of("llm", "hosted", kind.id()), null, null, "[]", HostedCards.SOURCE_TYPE,
                    HostedCards.meshModel(name, model), null));
        }
        return cards;
    }

    private static String description(String name, LlmConnections.Settings s, ProviderKind kind, String model) {
        String mesh = HostedCards.meshModel(name, model);
        StringBuilder text = new StringBuilder();
        text.append("`").append(model).append("`, a hosted model served by ")
                .append(kind.publisher() == null ? "an OpenAI-compatible API" : kind.publisher())
                .append(" through the LLM connection `").append(name).append("` (").append(kind.id()).append(").");
        if (s.description() != null && !s.description().isBlank()) {
            text.append("\n\n").append(s.description().strip());
        }
        text.append("\n\nCall it through ModelCat's LLM mesh as model `").append(mesh)
                .append("` (`POST /api/v1/llm/v1/chat/completions` with a ModelCat API token), or choose it as a ")
                .append("step's model in a prompt flow and compare it in bulk tests.");
        LlmConnections.Price price = s.prices().get(model);
        if (price != null) {
            text.append("\n\nPrice: ").append(usd(price.inputPerMillion())).append(" per million input tokens, ")
                    .append(usd(price.outputPerMillion())).append(" per million output tokens.");
        }
        text.append("\n\nThis card follows its connection: it changes with the connection's allowed models and is "
                + "removed with it.");
        return text.toString();
    }

    private static String usd(BigDecimal value) {
        return "$" + value.stripTrailingZeros().toPlainString();
    }
}
