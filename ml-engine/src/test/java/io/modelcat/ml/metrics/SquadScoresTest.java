package io.modelcat.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SquadScoresTest {

    @Test
    void normalisesCasePunctuationArticlesAndWhitespace() {
        assertThat(SquadScores.normalize("  The  Eiffel-Tower, in PARIS! ")).isEqualTo("eiffeltower in paris");
        assertThat(SquadScores.normalize("an apple a day")).isEqualTo("apple day");
        // Articles only as whole words: "theory" keeps its "the".
        assertThat(SquadScores.normalize("the theory")).isEqualTo("theory");
    }

    @Test
    void normalisesWithPythonsWhiteSpaceAndWordCharacters() {
        // str.split() takes no-break spaces and U+001F as white space
        assertThat(SquadScores.normalize("\u00a0Paris\u00a0")).isEqualTo("paris");
        assertThat(SquadScores.normalize("New\u3000York\u001fCity")).isEqualTo("new york city");
        // re's \b: "²" and "½" are word characters, so "a²" and "the½" are no articles ...
        assertThat(SquadScores.normalize("a² + b²")).isEqualTo("a² b²");
        assertThat(SquadScores.normalize("the½")).isEqualTo("the½");
        // ... but a combining accent is not, so the "the" of a decomposed "thé" goes and the accent stays
        assertThat(SquadScores.normalize("the\u0301 end")).isEqualTo("\u0301 end");
        assertThat(SquadScores.exactMatch("\u00a0Paris", "paris")).isEqualTo(1.0);
    }

    @Test
    void exactMatchAfterNormalisation() {
        assertThat(SquadScores.exactMatch("The Beatles.", "beatles")).isEqualTo(1.0);
        assertThat(SquadScores.exactMatch("Beatles band", "beatles")).isZero();
    }

    @Test
    void tokenF1() {
        // prediction "eiffel tower paris" vs gold "eiffel tower": common 2, P 2/3, R 1 -> F1 0.8
        assertThat(SquadScores.f1("the Eiffel tower, Paris", "Eiffel Tower")).isCloseTo(0.8, within(1e-12));
        // repeated tokens count only as often as the gold has them: common 1, P 1/2, R 1 -> 2/3
        assertThat(SquadScores.f1("cat cat", "cat")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(SquadScores.f1("dog", "cat")).isZero();
        assertThat(SquadScores.f1("the", "")).isEqualTo(1.0);
        assertThat(SquadScores.f1("", "cat")).isZero();
    }

    @Test
    void takesTheBestGoldAnswerAndAveragesOverQuestions() {
        SquadScores scores = SquadScores.of(List.of("Denver Broncos", "in 1990"),
                List.of(List.of("Broncos", "Denver Broncos"), List.of("1989")));
        // question 1: EM 1, F1 1; question 2: EM 0, F1 0
        assertThat(scores.exactMatch()).isCloseTo(0.5, within(1e-12));
        assertThat(scores.f1()).isCloseTo(0.5, within(1e-12));

        SquadScores partial = SquadScores.of(List.of("Broncos of Denver"), List.of(List.of("Denver Broncos")));
        // tokens broncos/of/denver vs denver/broncos: common 2, P 2/3, R 1 -> 0.8
        assertThat(partial.exactMatch()).isZero();
        assertThat(partial.f1()).isCloseTo(0.8, within(1e-12));
    }
}
