package io.modelcat.catalog.access;

import io.modelcat.catalog.problem.InvalidFieldException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a user may do; each role includes the ones before it. */
public enum Role {
    /** Browse the catalog, read jobs and metrics. */
    VIEWER,
    /** Also upload data, submit and cancel their own jobs, create and register models. */
    CONTRIBUTOR,
    /** Everything: users, tokens, runners, secrets, the audit log, anyone's jobs and data. */
    ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this role may do what {@code required} may. */
    public boolean includes(Role required) {
        return ordinal() >= required.ordinal();
    }

    /** The role named {@code value}, or a 400 naming {@code field}. */
    public static Role parse(String field, String value) {
        for (Role role : values()) {
            if (role.wireName().equals(value)) {
                return role;
            }
        }
        throw new InvalidFieldException(field, "unknown role '" + value + "'; expected one of "
                + Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", ")));
    }

    /** The role stored as {@code value} in the database. */
    public static Role fromWireName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
