package io.modelcat.store.model;

import io.modelcat.store.Cursor;
import java.util.List;

/**
 * A validated list request: filters (several values of one filter match any of them, different
 * filters must all match), free text (as a PostgreSQL {@code tsquery}, or null), sort order, page
 * size and the keyset cursor to continue from (or null; else one of {@code sort}, see
 * {@link ModelSort#continues(Cursor)}).
 */
public record ModelQuery(
        List<String> tasks,
        List<String> finetuningTasks,
        List<String> licenses,
        List<String> tags,
        String textQuery,
        ModelSort sort,
        int limit,
        Cursor after) {
}
