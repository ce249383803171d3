package io.modelcat.ml.infer;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code transformers} gives chat templates beyond Jinja, for {@link ChatTemplate}: the global
 * functions {@code raise_exception(message)} and {@code strftime_now(format)}, its {@code tojson} filter
 * (Python's {@code json.dumps}, not HTML-escaped), and the {@code {% generation %}} block, which only
 * marks the assistant's text.
 */
final class ChatTemplateFunctions {

    private ChatTemplateFunctions() {
    }

    /** A template's {@code raise_exception}: it refuses the conversation, with its message. */
    static final class Raised extends RuntimeException {
        Raised(String message) {
            super(message);
        }
    }

    public static Object raiseException(String message) {
        throw new Raised(message);
    }

    /** Python's {@code datetime.now().strftime(format)} for the directives templates use. */
    public static String strftimeNow(String format) {
        LocalDateTime now = LocalDateTime.now();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            switch (d) {
                case 'Y' -> out.append(now.getYear());
                case 'y' -> out.append(String.format("%02d", now.getYear() % 100));
                case 'm' -> out.append(String.format("%02d", now.getMonthValue()));
                case 'd' -> out.append(String.format("%02d", now.getDayOfMonth()));
                case 'H' -> out.append(String.format("%02d", now.getHour()));
                case 'I' -> out.append(String.format("%02d", (now.getHour() + 11) % 12 + 1));
                case 'M' -> out.append(String.format("%02d", now.getMinute()));
                case 'S' -> out.append(String.format("%02d", now.getSecond()));
                case 'p' -> out.append(now.getHour() < 12 ? "AM" : "PM");
                case 'j' -> out.append(String.format("%03d", now.getDayOfYear()));
                case 'B' -> out.append(now.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'b' -> out.append(now.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> out.append(now.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> out.append(now.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case '%' -> out.append('%');
                default -> out.append('%').append(d);
            }
        }
        return out.toString();
    }

    /** {@code tojson(indent=None, separators=None, sort_keys=False)} as {@code json.dumps(..., ensure_ascii=False)}. */
    static final class ToJson implements Filter {

        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
            Object separators = kwargs.get("separators");
            boolean sortKeys = Boolean.TRUE.equals(kwargs.get("sort_keys"));
            String item = ", ";
            String key = ": ";
            if (indent != null) {
                item = ",";
            }
            if (separators instanceof List<?> pair && pair.size() == 2) {
                item = String.valueOf(pair.get(0));
                key = String.valueOf(pair.get(1));
            }
            StringBuilder out = new StringBuilder();
            write(out, var, indent == null ? null : ((Number) indent).intValue(), 0, item, key, sortKeys);
            return out.toString();
        }

        private static void write(StringBuilder out, Object value, Integer indent, int depth, String item, String key,
                                  boolean sortKeys) {
            if (value instanceof SafeString safe) {
                value = safe.toString();
            }
            if (value == null) {
                out.append("null");
            } else if (value instanceof String s) {
                string(out, s);
            } else if (value instanceof Boolean b) {
                out.append(b ? "true" : "false");
            } else if (value instanceof Double || value instanceof Float) {
                double d = ((Number) value).doubleValue();
                out.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity")
                        : pythonFloat(d));
            } else if (value instanceof Number n) {
                out.append(n);
            } else if (value instanceof Map<?, ?> map) {
                Map<?, ?> entries = sortKeys ? new TreeMap<>(map) : map;
                if (entries.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : entries.entrySet()) {
                    if (!first) {
                        out.append(item);
                    }
                    first = false;
                    newline(out, indent, depth + 1);
                    string(out, String.valueOf(e.getKey()));
                    out.append(key);
                    write(out, e.getValue(), indent, depth + 1, item, key, sortKeys);
                }
                newline(out, indent, depth);
                out.append('}');
            } else if (value instanceof Collection<?> || value instanceof Object[]) {
                List<?> list = value instanceof Object[] array ? List.of(array) : new ArrayList<>((Collection<?>) value);
                if (list.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(item);
                    }
                    newline(out, indent, depth + 1);
                    write(out, list.get(i), indent, depth + 1, item, key, sortKeys);
                }
                newline(out, indent, depth);
                out.append(']');
            } else {
                string(out, value.toString());
            }
        }

        private static String pythonFloat(double d) {
            if (d == Math.rint(d) && Math.abs(d) < 1e16) {
                return String.format(Locale.ROOT, "%.1f", d);
            }
            return Double.toString(d).replace("E", "e");
        }

        private static void newline(StringBuilder out, Integer indent, int depth) {
            if (indent != null) {
                out.append('\n').append(" ".repeat(indent * depth));
            }
        }

        private static void string(StringBuilder out, String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }

    /** {@code {% generation %}...{% endgeneration %}}: renders its body; it only marks assistant text for training. */
    static final class Generation implements Tag {

        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String getEndTagName() {
            return "endgeneration";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder out = new StringBuilder();
            for (Node child : tagNode.getChildren()) {
                out.append(child.render(interpreter).getValue());
            }
            return out.toString();
        }
    }
}
