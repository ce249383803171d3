package io.modelcat.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RougeScoresTest {

    /**
     * "the cat sat on the mat" vs "the cat is on the mat": unigram overlap the×2 cat on mat = 5 of 6
     * each side; bigram overlap "the cat", "on the", "the mat" = 3 of 5; LCS "the cat on the mat" = 5 of 6.
     */
    @Test
    void workedExample() {
        RougeScores scores = RougeScores.of(List.of("The cat sat on the mat."), List.of("the cat is on the mat"));
        assertThat(scores.rouge1()).isCloseTo(5.0 / 6, within(1e-12));
        assertThat(scores.rouge2()).isCloseTo(3.0 / 5, within(1e-12));
        assertThat(scores.rougeL()).isCloseTo(5.0 / 6, within(1e-12));
    }

    @Test
    void precisionAndRecallDifferWhenLengthsDo() {
        // predicted "cat" vs reference "the cat": P 1, R 1/2, F 2/3
        PrecisionRecallF1 unigram = RougeScores.nGram(List.of("cat"), List.of("the", "cat"), 1);
        assertThat(unigram.precision()).isEqualTo(1.0);
        assertThat(unigram.recall()).isEqualTo(0.5);
        assertThat(unigram.f1()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void averagesOverPairsAndTokenisesLikeRougeScore() {
        assertThat(RougeScores.tokenize("Hello, WORLD-wide 2024!")).containsExactly("hello", "world", "wide", "2024");
        RougeScores scores = RougeScores.of(List.of("a b", "x"), List.of("a b", "y"));
        assertThat(scores.rouge1()).isCloseTo(0.5, within(1e-12));
        assertThat(scores.rougeL()).isCloseTo(0.5, within(1e-12));
    }
}
