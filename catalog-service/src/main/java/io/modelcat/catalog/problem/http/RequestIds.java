package io.modelcat.catalog.problem.http;

import io.modelcat.catalog.problem.InvalidFieldException;
import java.util.UUID;

/** Parses ids from request paths, answering a malformed one with a 400 naming the parameter. */
public final class RequestIds {

    private RequestIds() {
    }

    public static UUID parse(String field, String value) {
        try {
            if (value != null && value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // fall through to the error below
        }
        throw new InvalidFieldException(field, "must be a UUID such as 3f2b1c4e-8d8a-4b7e-9c1d-2a6f0e5b7c9d, got '"
                + abbreviate(value) + "'");
    }

    private static String abbreviate(String value) {
        return value == null ? "" : value.length() > 60 ? value.substring(0, 60) + "…" : value;
    }
}
