package io.modelcat.catalog.problem.http;

import io.modelcat.catalog.problem.InvalidFieldException;

/**
 * Parses true/false query parameters strictly, answering any other value with a 400 naming the parameter (the
 * framework's own conversion reads an unknown word as false).
 */
public final class QueryFlags {

    private QueryFlags() {
    }

    /** {@code absent} when the parameter is missing or empty, else true or false. */
    public static boolean parse(String field, String value, boolean absent) {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidFieldException(field, "must be true or false, got '"
                    + (value.length() > 60 ? value.substring(0, 60) + "…" : value) + "'");
        };
    }
}
