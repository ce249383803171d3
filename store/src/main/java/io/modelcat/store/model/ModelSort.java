package io.modelcat.store.model;

import io.modelcat.store.Cursor;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The orders a model list can come in; each is a keyset over (sort key, id). */
public enum ModelSort {
    /** Byte order of the lower-cased name (code-point order), whatever the server's locale; see V34. */
    NAME("name", "(lower(m.name) COLLATE \"C\")", "text", false),
    NAME_DESC("-name", "(lower(m.name) COLLATE \"C\")", "text", true),
    CREATED("createdAt", "m.created_at", "timestamptz", false),
    CREATED_DESC("-createdAt", "m.created_at", "timestamptz", true),
    UPDATED("updatedAt", "m.updated_at", "timestamptz", false),
    UPDATED_DESC("-updatedAt", "m.updated_at", "timestamptz", true),
    /**
     * Best text match first; only with a search text. Ranked on the entry's rank vector (V40: the name, tags,
     * publisher, repository and excerpt), not on the search vector, which holds the whole description.
     */
    RELEVANCE("relevance", "ts_rank(m.rank_vector, %s)", "real", true);

    private final String wireName;
    private final String keyExpression;
    private final String keyType;
    private final boolean descending;

    ModelSort(String wireName, String keyExpression, String keyType, boolean descending) {
        this.wireName = wireName;
        this.keyExpression = keyExpression;
        this.keyType = keyType;
        this.descending = descending;
    }

    public String wireName() {
        return wireName;
    }

    /** SQL expression of the sort key; for relevance, a format taking the tsquery expression. */
    String keyExpression() {
        return keyExpression;
    }

    /** PostgreSQL type the cursor's key text is cast back to. */
    String keyType() {
        return keyType;
    }

    boolean descending() {
        return descending;
    }

    /** The sort a model-list cursor belongs to; empty when the cursor is not one (an unknown order, no UUID). */
    public static Optional<ModelSort> of(Cursor cursor) {
        return cursor.uuid().isEmpty() ? Optional.empty() : fromWireName(cursor.order());
    }

    /** Whether {@code cursor} continues a list in this order. */
    public boolean continues(Cursor cursor) {
        return of(cursor).orElse(null) == this;
    }

    public static Optional<ModelSort> fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ModelSort::wireName).toList();
    }
}
