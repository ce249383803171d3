package io.modelcat.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PythonTextTest {

    /** The 29 code points for which Python 3.11's {@code str.isspace()} is true (listed by Python). */
    private static final int[] PYTHON_SPACES = {0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0,
        0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028,
        0x2029, 0x202f, 0x205f, 0x3000};

    @Test
    void whiteSpaceIsExactlyPythons() {
        assertThat(IntStream.rangeClosed(0, Character.MAX_CODE_POINT).filter(PythonText::isSpace).toArray())
                .containsExactly(PYTHON_SPACES);
    }

    @Test
    void splitAndRstripLikePython() {
        // U+200B (zero-width space) is not white space in Python; U+00A0, U+001F and U+3000 are.
        assertThat(PythonText.split("\u00a0a\u001fb\u3000 c\u200bd  ")).containsExactly("a", "b", "c\u200bd");
        assertThat(PythonText.split(" \t ")).isEmpty();
        assertThat(PythonText.rstrip("a b-\n\u00a0")).isEqualTo("a b-");
        assertThat(PythonText.rstrip("")).isEmpty();
    }

    @Test
    void wordCharactersAreLettersNumbersAndUnderscore() {
        assertThat(PythonText.isWordCharacter('a')).isTrue();
        assertThat(PythonText.isWordCharacter('東')).isTrue();
        assertThat(PythonText.isWordCharacter('_')).isTrue();
        assertThat(PythonText.isWordCharacter('²')).isTrue();
        assertThat(PythonText.isWordCharacter('½')).isTrue();
        assertThat(PythonText.isWordCharacter('Ⅻ')).isTrue();
        // a combining accent is not (Python's \b falls between "e" and U+0301)
        assertThat(PythonText.isWordCharacter(0x301)).isFalse();
        assertThat(PythonText.isWordCharacter('-')).isFalse();
        assertThat(PythonText.isWordCharacter(0xa0)).isFalse();
    }
}
