package io.modelcat.jobs.spec;

import java.util.List;
import java.util.Optional;

/**
 * One numeric setting of a job, its default and limits defined once: resolving a request uses them, the API
 * serves them to the UI ({@code /api/v1/tasks}), and a test checks the OpenAPI descriptions and the docs
 * against {@link #describe()}.
 *
 * @param fallback the default; null for an optional setting that is off unless given
 * @param minimum  the least value; {@code minimumExcluded} when the value must be above it
 */
public record Setting(String name, Type type, Number fallback, double minimum, boolean minimumExcluded, double maximum,
                      boolean maximumExcluded, String help) {

    /** Whole numbers or any number. */
    public enum Type {
        INTEGER,
        NUMBER
    }

    static Setting integer(String name, Integer fallback, long minimum, long maximum, String help) {
        return new Setting(name, Type.INTEGER, fallback, minimum, false, maximum, false, help);
    }

    /** A whole number without limits. */
    static Setting anyInteger(String name, long fallback, String help) {
        return new Setting(name, Type.INTEGER, fallback, -Double.MAX_VALUE, false, Double.MAX_VALUE, false, help);
    }

    static Setting number(String name, double fallback, double minimum, boolean minimumExcluded, double maximum,
                          boolean maximumExcluded, String help) {
        return new Setting(name, Type.NUMBER, fallback, minimum, minimumExcluded, maximum, maximumExcluded, help);
    }

    /** The given value, or the default; an error naming {@code prefix + name} when it is out of bounds. */
    public Number resolve(String prefix, Number given, List<SpecError> errors) {
        Number value = given == null ? fallback : given;
        if (value != null) {
            problem(value).ifPresent(message -> errors.add(new SpecError(prefix + name, message)));
        }
        return value;
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
        return help + "; " + range() + " (default " + (fallback == null ? "off" : format(fallback)) + ")";
    }

    private static String format(Number number) {
        double v = number.doubleValue();
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
