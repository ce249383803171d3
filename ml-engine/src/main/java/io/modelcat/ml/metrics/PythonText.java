package io.modelcat.ml.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The bits of Python's string semantics that the reference metrics (the SQuAD script, sacreBLEU)
 * rely on and Java does differently. Python's {@code str.split()} and {@code str.rstrip()} treat
 * U+001C..U+001F, the no-break spaces and U+3000 as white space; Java's {@code \s} sees only ASCII
 * white space, {@code String.strip()} no no-break space. Python's regex word characters
 * ({@code \w}, {@code \b}) are letters, numbers of any kind (², ½) and {@code _}; Java's Unicode
 * {@code \w} also takes combining marks and misses ² and ½.
 */
final class PythonText {

    private PythonText() {}

    /** {@code str.isspace()} for one code point (Unicode categories Zs, plus bidi classes WS, B, S). */
    static boolean isSpace(int codePoint) {
        return switch (codePoint) {
            case '\t', '\n', 0x0B, '\f', '\r', 0x1C, 0x1D, 0x1E, 0x1F, ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F,
                    0x205F, 0x3000 -> true;
            default -> codePoint >= 0x2000 && codePoint <= 0x200A;
        };
    }

    /** A character of {@code \w} in a Python {@code str} pattern: {@code str.isalnum()} or {@code _}. */
    static boolean isWordCharacter(int codePoint) {
        if (codePoint == '_' || Character.isLetter(codePoint)) {
            return true;
        }
        int type = Character.getType(codePoint);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /** {@code str.split()} without arguments: the non-empty runs between white space. */
    static List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        int start = -1;
        for (int index = 0; index < text.length(); ) {
            int codePoint = text.codePointAt(index);
            if (isSpace(codePoint)) {
                if (start >= 0) {
                    parts.add(text.substring(start, index));
                    start = -1;
                }
            } else if (start < 0) {
                start = index;
            }
            index += Character.charCount(codePoint);
        }
        if (start >= 0) {
            parts.add(text.substring(start));
        }
        return parts;
    }

    /** {@code str.rstrip()} without arguments. */
    static String rstrip(String text) {
        int end = text.length();
        while (end > 0) {
            int codePoint = text.codePointBefore(end);
            if (!isSpace(codePoint)) {
                break;
            }
            end -= Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }
}
