package io.modelcat.jobs.spec;

import java.util.List;
import java.util.Optional;

/**
 * One setting of a job (a number, a list of names or a flag), its default and limits defined once: resolving a
 * request uses them, the API serves them to the UI ({@code /api/v1/tasks}), and a test checks the OpenAPI
 * descriptions and the docs against {@link #describe()}.
 *
 * @param fallback the default (a {@link Number}, or a {@link Boolean} for a flag); null for an optional setting
 *     that is off, or decided later (see {@code absent}), unless given
 * @param minimum  the least value; {@code minimumExcluded} when the value must be above it (numbers only)
 * @param absent   what an absent optional setting means, in words ("off" for numbers)
 */
public record Setting(String name, Type type, Object fallback, double minimum, boolean minimumExcluded, double maximum,
                      boolean maximumExcluded, String help, String absent) {

    /**
     * A name in a list of names: dot-separated words of letters, digits and underscores, starting with a letter or
     * an underscore ({@code q_proj}, {@code layers.0.mlp.up_proj}).
     */
    private static final java.util.regex.Pattern NAME =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*");
    /** The most names a list setting takes. */
    public static final int MAX_NAMES = 64;

    /** Whole numbers, any number, a list of names, or true/false. */
    public enum Type {
        INTEGER,
        NUMBER,
        NAMES,
        FLAG
    }

    public Setting {
        if (absent == null) {
            absent = "off";
        }
    }

    static Setting integer(String name, Integer fallback, long minimum, long maximum, String help) {
        return new Setting(name, Type.INTEGER, fallback, minimum, false, maximum, false, help, null);
    }

    /** A list of names (between 1 and {@link #MAX_NAMES}); absent, {@code absent} says what is used. */
    static Setting names(String name, String absent, String help) {
        return new Setting(name, Type.NAMES, null, 1, false, MAX_NAMES, false, help, absent);
    }

    /** True or false. */
    static Setting flag(String name, boolean fallback, String help) {
        return new Setting(name, Type.FLAG, fallback, 0, false, 1, false, help, null);
    }

    /** A whole number without limits. */
    static Setting anyInteger(String name, long fallback, String help) {
        return new Setting(name, Type.INTEGER, fallback, -Double.MAX_VALUE, false, Double.MAX_VALUE, false, help, null);
    }

    static Setting number(String name, double fallback, double minimum, boolean minimumExcluded, double maximum,
                          boolean maximumExcluded, String help) {
        return new Setting(name, Type.NUMBER, fallback, minimum, minimumExcluded, maximum, maximumExcluded, help, null);
    }

    /** The given value, or the default; an error naming {@code prefix + name} when it is out of bounds. */
    public Number resolve(String prefix, Number given, List<SpecError> errors) {
        Number value = given == null ? (Number) fallback : given;
        if (value != null) {
            problem(value).ifPresent(message -> errors.add(new SpecError(prefix + name, message)));
        }
        return value;
    }

    /**
     * The given names, or null when absent; an error naming {@code prefix + name} when the list is empty, too long,
     * or holds something that is not a name.
     */
    public List<String> resolveNames(String prefix, List<String> given, List<SpecError> errors) {
        if (given == null) {
            return null;
        }
        String bad = null;
        if (given.isEmpty() || given.size() > MAX_NAMES) {
            bad = "must be " + range() + ", got " + given.size();
        } else {
            for (String item : given) {
                if (item == null || item.length() > 200 || !NAME.matcher(item).matches()) {
                    bad = "must be " + range() + " (letters, digits and underscores, dot-separated, starting with a letter); "
                            + (item == null ? "null" : "'" + item + "'") + " is not one";
                    break;
                }
            }
        }
        if (bad != null) {
            errors.add(new SpecError(prefix + name, bad));
            return null;
        }
        return List.copyOf(new java.util.LinkedHashSet<>(given));
    }

    /**
     * The given flag, or the default; an error naming {@code prefix + name} when it is not a JSON boolean (taken
     * as any value, since a JSON reader would otherwise read {@code "yes"} as false without a word).
     */
    public boolean resolveFlag(String prefix, Object given, List<SpecError> errors) {
        if (given == null) {
            return (Boolean) fallback;
        }
        if (given instanceof Boolean flag) {
            return flag;
        }
        errors.add(new SpecError(prefix + name, "must be " + range() + ", got " + given));
        return (Boolean) fallback;
    }

    /** What is wrong with {@code value}, if anything. */
    public Optional<String> problem(Number value) {
        double v = value.doubleValue();
        boolean whole = type == Type.NUMBER || (v == Math.rint(v) && Math.abs(v) <= Long.MAX_VALUE);
        boolean inside = Double.isFinite(v) && (minimumExcluded ? v > minimum : v >= minimum)
                && (maximumExcluded ? v < maximum : v <= maximum);
        return whole && inside ? Optional.empty() : Optional.of("must be " + range() + ", got " + value);
    }

    /** Whether the value has a least bound (an unbounded setting's {@code minimum} is {@code -Double.MAX_VALUE}). */
    public boolean hasMinimum() {
        return minimum != -Double.MAX_VALUE;
    }

    /** Whether the value has a greatest bound (an unbounded setting's {@code maximum} is {@code Double.MAX_VALUE}). */
    public boolean hasMaximum() {
        return maximum != Double.MAX_VALUE;
    }

    /** The limits in words, e.g. "between 1 and 100" or "over 0 and at most 1". */
    public String range() {
        if (type == Type.NAMES) {
            return "a list of 1 to " + MAX_NAMES + " names";
        }
        if (type == Type.FLAG) {
            return "true or false";
        }
        if (!hasMinimum() && !hasMaximum()) {
            return type == Type.INTEGER ? "any whole number" : "any number";
        }
        if (!hasMaximum()) {
            return (minimumExcluded ? "over " : "at least ") + format(minimum);
        }
        if (!minimumExcluded && !maximumExcluded) {
            return (type == Type.INTEGER ? "a whole number " : "") + "between " + format(minimum) + " and "
                    + format(maximum);
        }
        return (minimumExcluded ? "over " : "at least ") + format(minimum) + " and "
                + (maximumExcluded ? "below " : "at most ") + format(maximum);
    }

    /** Help, limits and default in one sentence, as the API documentation and the docs say it. */
    public String describe() {
        return help + "; " + range() + " (default " + (fallback == null ? absent
                : fallback instanceof Number number ? format(number) : fallback) + ")";
    }

    private static String format(Number number) {
        double v = number.doubleValue();
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
