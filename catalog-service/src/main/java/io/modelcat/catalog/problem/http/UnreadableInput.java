package io.modelcat.catalog.problem.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.type.Argument;
import io.micronaut.http.annotation.Body;
import io.micronaut.json.JsonSyntaxException;
import io.micronaut.serde.exceptions.SerdeException;
import io.micronaut.serde.exceptions.path.CollectionItemReferencePath;
import io.micronaut.serde.exceptions.path.MapItemReferencePath;
import io.micronaut.serde.exceptions.path.PropertyReferencePath;
import io.micronaut.serde.exceptions.path.ReferencePath;
import io.micronaut.web.router.exceptions.UnsatisfiedRouteException;
import io.modelcat.catalog.problem.FieldError;
import java.time.temporal.Temporal;
import java.time.temporal.TemporalAmount;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request input the framework could not read into its declared type, described the way the API describes any
 * invalid field: JSON that is not JSON (with its line and column), a body field of the wrong type (named by its path
 * in the body, e.g. {@code hyperparameters.epochs} or {@code tags[1]}, with what was expected and what came), a
 * parameter that is not of its type, a body or parameter that is missing. Every endpoint's binding failures pass here,
 * so no controller handles them itself.
 */
record UnreadableInput(String detail, List<FieldError> errors) {

    /** The field name of the body as a whole: a body that is not an object, or that is no JSON at all. */
    static final String BODY = "body";

    /** Jackson's location, {@code [Source: ...; line: 1, column: 39]}. */
    private static final Pattern LOCATION = Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");
    private static final Pattern UNEXPECTED_TOKEN = Pattern.compile("Unexpected token (\\w+)");
    private static final Pattern COERCE = Pattern.compile("Unable to coerce (\\w+) to");
    private static final Pattern BUT_GOT = Pattern.compile("but got (array|object)");
    private static final Pattern OUT_OF_RANGE = Pattern.compile(
            "Numeric value \\((\\S+)\\) out of range of \\w+ \\((\\S+) - (\\S+)\\)");
    private static final Pattern INVALID_UUID = Pattern.compile("Invalid UUID string: (.*)");
    private static final Pattern FRAMEWORK_PREFIX = Pattern.compile(
            "^(?:Failed to convert argument \\[[^\\]]*\\] for value \\[[^\\]]*\\] due to: )?"
                    + "(?:Error decoding property \\[[^\\]]*\\] of type \\[[^\\]]*\\]: )?");

    /** How {@code failure} reads as invalid fields, if it is one of the framework's binding failures. */
    static Optional<UnreadableInput> of(Throwable failure) {
        if (failure instanceof JsonSyntaxException syntax) {
            return Optional.of(malformed(syntax));
        }
        if (failure instanceof ConversionErrorException conversion) {
            return Optional.of(wrongType(conversion));
        }
        if (failure instanceof UnsatisfiedRouteException missing) {
            return Optional.of(missing(missing.getArgument()));
        }
        return Optional.empty();
    }

    private static UnreadableInput malformed(JsonSyntaxException syntax) {
        String raw = syntax.getCause() != null && syntax.getCause().getMessage() != null
                ? syntax.getCause().getMessage() : String.valueOf(syntax.getMessage());
        String where = location(raw).map(at -> " at " + at).orElse("");
        String what = withoutLocations(raw);
        return new UnreadableInput("The request body is not valid JSON" + where + ": " + what,
                List.of(new FieldError(BODY, "is not valid JSON" + where + ": " + what)));
    }

    private static UnreadableInput missing(Argument<?> argument) {
        boolean body = isBody(argument);
        String field = body ? BODY : boundName(argument);
        String message = body ? "is required: expected " + expected(argument) : "is required";
        return single(field, message, Optional.empty());
    }

    private static UnreadableInput wrongType(ConversionErrorException conversion) {
        Argument<?> argument = conversion.getArgument();
        Throwable cause = conversion.getConversionError().getCause();
        SerdeException serde = firstSerde(cause);
        String reasons = messages(cause);
        Optional<String> at = location(reasons);
        if (!isBody(argument)) {
            String got = got(reasons).orElseGet(() -> conversion.getConversionError().getOriginalValue()
                    .map(value -> quoted(String.valueOf(value))).orElse(null));
            return single(boundName(argument), message(expected(argument), got, reasons), at);
        }
        List<ReferencePath> path = serde == null ? List.of() : serde.getPath();
        Argument<?> target = path.isEmpty() ? argument : targetOf(path.get(0));
        return single(field(path), message(expected(target), got(reasons).orElse(null), reasons), at);
    }

    private static UnreadableInput single(String field, String message, Optional<String> at) {
        String detail = "The request has invalid fields: " + field + ": " + message + at.map(l -> " (at " + l + ")").orElse("");
        return new UnreadableInput(detail, List.of(new FieldError(field, message)));
    }

    private static String message(String expected, String got, String reasons) {
        if (got != null) {
            Matcher range = OUT_OF_RANGE.matcher(reasons);
            if (range.find()) {
                return "expected " + expected + " from " + range.group(2) + " to " + range.group(3) + ", got " + got;
            }
            return "expected " + expected + ", got " + got;
        }
        return "expected " + expected + " (" + reason(reasons) + ")";
    }

    /** The body field a serde failure path names; serde lists the innermost step first. */
    static String field(List<ReferencePath> path) {
        StringBuilder field = new StringBuilder();
        for (int i = path.size() - 1; i >= 0; i--) {
            ReferencePath step = path.get(i);
            if (step instanceof PropertyReferencePath property) {
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(jsonName(property.property()));
            } else if (step instanceof CollectionItemReferencePath item) {
                field.append('[').append(item.index()).append(']');
            } else if (step instanceof MapItemReferencePath entry) {
                field.append('[').append(entry.key()).append(']');
            }
        }
        return field.length() == 0 ? BODY : field.toString();
    }

    /** The type the value at the innermost step of a path should have had. */
    private static Argument<?> targetOf(ReferencePath step) {
        if (step instanceof PropertyReferencePath property) {
            return property.property();
        }
        if (step instanceof CollectionItemReferencePath item) {
            return item.collectionArgument().getFirstTypeVariable().orElse(Argument.OBJECT_ARGUMENT);
        }
        if (step instanceof MapItemReferencePath entry) {
            Argument<?>[] types = entry.mapArgument().getTypeParameters();
            return types.length == 2 ? types[1] : Argument.OBJECT_ARGUMENT;
        }
        return step.getArgument();
    }

    /** What a value of {@code type} looks like in JSON, with its article. */
    static String expected(Argument<?> type) {
        Class<?> c = type.getType();
        if (CharSequence.class.isAssignableFrom(c) || c == Character.class || c == char.class || c.isEnum()) {
            return "a string";
        }
        if (c == UUID.class) {
            return "a UUID";
        }
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class || c == Short.class
                || c == short.class || c == Byte.class || c == byte.class || c == java.math.BigInteger.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(c) || c == double.class || c == float.class) {
            return "a number";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "true or false";
        }
        if (Temporal.class.isAssignableFrom(c) || TemporalAmount.class.isAssignableFrom(c)) {
            return "an ISO 8601 string";
        }
        if (Collection.class.isAssignableFrom(c) || c.isArray()) {
            return "an array";
        }
        return Map.class.isAssignableFrom(c) || c != Object.class ? "an object" : "a value";
    }

    /** What came instead, as far as the failure's messages say. */
    private static Optional<String> got(String reasons) {
        Matcher token = UNEXPECTED_TOKEN.matcher(reasons);
        if (token.find()) {
            return Optional.of(switch (token.group(1)) {
                case "VALUE_STRING" -> "a string";
                case "VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT" -> "a number";
                case "VALUE_TRUE", "VALUE_FALSE" -> "a boolean";
                case "VALUE_NULL" -> "null";
                case "START_ARRAY" -> "an array";
                case "END_ARRAY" -> "an empty array";
                case "START_OBJECT", "END_OBJECT", "FIELD_NAME" -> "an object";
                default -> token.group(1);
            });
        }
        Matcher coerce = COERCE.matcher(reasons);
        if (coerce.find()) {
            String kind = coerce.group(1).toLowerCase(java.util.Locale.ROOT);
            return Optional.of(("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind);
        }
        Matcher butGot = BUT_GOT.matcher(reasons);
        if (butGot.find()) {
            return Optional.of(butGot.group(1).equals("array") ? "an array" : "an object");
        }
        Matcher range = OUT_OF_RANGE.matcher(reasons);
        if (range.find()) {
            return Optional.of(range.group(1));
        }
        Matcher uuid = INVALID_UUID.matcher(reasons);
        if (uuid.find()) {
            return Optional.of(quoted(withoutLocations(uuid.group(1))));
        }
        return Optional.empty();
    }

    private static SerdeException firstSerde(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SerdeException serde) {
                return serde;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** Every message of a failure's chain, outermost first, one per line. */
    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null && all.length() < 4000; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                all.append(t.getMessage()).append('\n');
            }
        }
        return all.toString();
    }

    /** The innermost message, which says most plainly what went wrong, without the framework's wrapping. */
    private static String reason(String reasons) {
        String[] lines = withoutLocations(reasons).split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = FRAMEWORK_PREFIX.matcher(lines[i].strip()).replaceFirst("");
            if (!line.isBlank()) {
                return line;
            }
        }
        return "unreadable";
    }

    private static Optional<String> location(String message) {
        Matcher at = LOCATION.matcher(message);
        String last = null;
        while (at.find()) {
            last = "line " + at.group(1) + ", column " + at.group(2);
        }
        return Optional.ofNullable(last);
    }

    /** A Jackson message without its "[Source: REDACTED ...]" noise; nested locations read "line L, column C". */
    private static String withoutLocations(String message) {
        String trailing = message.replaceAll("\\s*\\bat \\[Source: [^\\]]*?line: \\d+, column: \\d+\\]\\s*$", "")
                .replaceAll("\\s*\\n\\s*at \\[Source: [^\\]]*?line: \\d+, column: \\d+\\]", "\n");
        return trailing.replaceAll("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]", "line $1, column $2").strip();
    }

    private static String quoted(String value) {
        String shown = value.length() > 60 ? value.substring(0, 60) + "…" : value;
        return "\"" + shown + "\"";
    }

    private static boolean isBody(Argument<?> argument) {
        return argument.getAnnotationMetadata().hasAnnotation(Body.class);
    }

    /** A parameter's name as the request writes it ({@code @QueryValue("limit")}), else its Java name. */
    private static String boundName(Argument<?> argument) {
        return argument.getAnnotationMetadata().stringValue(Bindable.class).filter(s -> !s.isEmpty())
                .orElse(argument.getName());
    }

    private static String jsonName(Argument<?> property) {
        return property.getAnnotationMetadata().stringValue(JsonProperty.class).filter(s -> !s.isEmpty())
                .orElse(property.getName());
    }
}
