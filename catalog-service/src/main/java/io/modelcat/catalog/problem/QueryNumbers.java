package io.modelcat.catalog.problem;

/**
 * Whole numbers in query strings taken as text, so that a bad one is a 400 naming the parameter and its range (not
 * the framework's generic conversion error).
 */
public final class QueryNumbers {

    private QueryNumbers() {
    }

    /**
     * {@code given} as a whole number from {@code min} to {@code max}, or {@code fallback} when absent.
     *
     * @throws InvalidFieldException naming {@code field} when it is not one
     */
    public static int wholeNumber(String field, String given, int fallback, int min, int max) {
        if (given == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(given.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Refused below.
        }
        throw new InvalidFieldException(field, "must be a whole number from " + min + " to " + max + ", got '" + given + "'");
    }
}
