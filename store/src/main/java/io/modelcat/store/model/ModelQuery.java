package io.modelcat.store.model;

import io.modelcat.store.Cursor;
import java.util.List;

/**
 * A validated list request: filters (several values of one filter match any of them, different
 * filters must all match), the search's words (each must start a word of the card; none: no search), sort order, page
 * size and the keyset cursor to continue from (or null; else one of {@code sort}, see
 * {@link ModelSort#continues(Cursor)}).
 */
public record ModelQuery(
        List<String> tasks,
        List<String> finetuningTasks,
        List<String> licenses,
        List<String> tags,
        List<String> searchWords,
        ModelSort sort,
        int limit,
        Cursor after) {

    /** Whether the request searches. */
    public boolean searches() {
        return !searchWords.isEmpty();
    }
}
