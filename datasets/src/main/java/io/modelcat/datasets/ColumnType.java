package io.modelcat.datasets;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The type of a column, as sniffed from every value in it (absent and null values are ignored). */
public enum ColumnType {
    STRING("string"),
    INTEGER("integer"),
    NUMBER("number"),
    BOOLEAN("boolean"),
    STRING_LIST("list<string>"),
    INTEGER_LIST("list<integer>"),
    /** A list of anything else, or lists of different element types. */
    LIST("list"),
    OBJECT("object"),
    /** Values of different, incompatible types. */
    MIXED("mixed"),
    /** No value at all, only nulls. */
    NULL("null");

    private final String wireName;

    ColumnType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ColumnType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    /** The type of one value; {@code null} for a null value and for an empty list (which fits any list type). */
    static ColumnType of(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String) {
            return STRING;
        }
        if (value instanceof Boolean) {
            return BOOLEAN;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof BigInteger) {
            return INTEGER;
        }
        if (value instanceof Double || value instanceof BigDecimal || value instanceof Number) {
            return NUMBER;
        }
        if (value instanceof Map) {
            return OBJECT;
        }
        if (value instanceof List<?> list) {
            ColumnType element = null;
            for (Object item : list) {
                ColumnType t = item instanceof String ? STRING : isInteger(item) ? INTEGER : MIXED;
                if (element != null && element != t) {
                    return LIST;
                }
                element = t;
            }
            return element == null ? null : element == STRING ? STRING_LIST : element == INTEGER ? INTEGER_LIST : LIST;
        }
        return MIXED;
    }

    /** The narrowest type that holds values of both types; either may be {@code null} (no value yet). */
    static ColumnType unify(ColumnType a, ColumnType b) {
        if (a == null || a == b) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if ((a == INTEGER && b == NUMBER) || (a == NUMBER && b == INTEGER)) {
            return NUMBER;
        }
        if (a.isList() && b.isList()) {
            return LIST;
        }
        return MIXED;
    }

    boolean isList() {
        return this == STRING_LIST || this == INTEGER_LIST || this == LIST;
    }

    static boolean isInteger(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof BigInteger;
    }
}
