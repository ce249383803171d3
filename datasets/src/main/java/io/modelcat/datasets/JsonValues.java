package io.modelcat.datasets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns JSON into plain Java values: String, Long/BigInteger, Double/BigDecimal, Boolean, List, Map, null. */
final class JsonValues {

    private JsonValues() {
    }

    static JsonFactory factory(int maxRecordBytes) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(Math.max(maxRecordBytes, 1))
                        .maxNestingDepth(100)
                        .build())
                .build();
    }

    /** Reads the value at the parser's current token; {@code budget} bounds how many bytes it may span. */
    static Object read(JsonParser parser, long startOffset, long budget) throws IOException {
        JsonToken token = parser.currentToken();
        if (budget > 0 && parser.currentLocation().getByteOffset() - startOffset > budget) {
            throw new RecordTooLongException();
        }
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    map.put(name, read(parser, startOffset, budget));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(parser, startOffset, budget));
                }
                return list;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getBigIntegerValue()
                        : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                double d = parser.getDoubleValue();
                return Double.isInfinite(d) ? parser.getDecimalValue() : (Object) d;
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected " + token);
        }
    }

    /** The JSON kind of a value, for messages. */
    static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return "a number";
    }

    /** A parser message without Jackson's source excerpt. */
    static String message(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int cut = m.indexOf("\n at [Source");
        m = cut >= 0 ? m.substring(0, cut) : m;
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }

    /** A record spans more bytes than allowed. */
    static final class RecordTooLongException extends IOException {
        RecordTooLongException() {
            super("record too long");
        }
    }
}
