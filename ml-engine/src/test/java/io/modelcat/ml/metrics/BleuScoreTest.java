package io.modelcat.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BleuScoreTest {

    /**
     * "a cat sat on the mat ." vs "the cat sat on the mat .": 7 tokens each, so no brevity penalty;
     * precisions 6/7, 5/6, 4/5, 3/4, so BLEU = (6/7 · 5/6 · 4/5 · 3/4)^(1/4) = (3/7)^(1/4).
     */
    @Test
    void workedExample() {
        BleuScore score = BleuScore.of(List.of("a cat sat on the mat."), List.of(List.of("the cat sat on the mat.")));
        assertThat(score.precisions()).containsExactly(6.0 / 7, 5.0 / 6, 4.0 / 5, 3.0 / 4);
        assertThat(score.brevityPenalty()).isEqualTo(1.0);
        assertThat(score.bleu()).isCloseTo(Math.pow(3.0 / 7, 0.25), within(1e-12));
    }

    @Test
    void brevityPenaltyForShortPredictions() {
        // every n-gram of "the cat sat on" matches; lengths 4 vs 6: BP = exp(1 - 6/4)
        BleuScore score = BleuScore.of(List.of("the cat sat on"), List.of(List.of("the cat sat on the mat")));
        assertThat(score.bleu()).isCloseTo(Math.exp(-0.5), within(1e-12));
    }

    @Test
    void clipsRepeatedWordsAndTakesTheBestReferenceCounts() {
        // "the the the the" against "the cat" and "the the dog": "the" allowed twice, so p1 = 2/4; no bigram
        // "the the"... is allowed once, p2 = 1/3; no trigram matches: BLEU 0 without smoothing.
        BleuScore score = BleuScore.of(List.of("the the the the"), List.of(List.of("the cat", "the the dog")));
        assertThat(score.precisions().get(0)).isEqualTo(0.5);
        assertThat(score.precisions().get(1)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(score.bleu()).isZero();
        // the shortest reference (2 tokens) sets the reference length
        assertThat(score.referenceLength()).isEqualTo(2);
    }

    @Test
    void tokenisesLike13a() {
        // 13a splits off punctuation but keeps hyphens and apostrophes inside words and digits' separators.
        assertThat(BleuScore.tokenize("Hello, world! It's 1,000.50 dollars-ish (really)."))
                .containsExactly("Hello", ",", "world", "!", "It's", "1,000.50", "dollars-ish", "(", "really", ")",
                        ".");
    }
}
