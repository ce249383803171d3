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
        // the reference closest in length to the 4-token prediction (3 tokens) sets the reference length
        assertThat(score.referenceLength()).isEqualTo(3);
    }

    @Test
    void brevityPenaltyUsesTheClosestReferenceLengthAndTheShorterOnATie() {
        // 7 tokens against references of 3 and 8: the closest is 8, so BP = exp(1 - 8/7); unigram to
        // 4-gram matches 7/7, 5/6, 3/5, 2/4 (sacreBLEU gives 61.2975...).
        BleuScore closest = BleuScore.of(List.of("the cat sat on the mat today"),
                List.of(List.of("the cat sat", "the cat sat on the red mat today")));
        assertThat(closest.referenceLength()).isEqualTo(8);
        assertThat(closest.brevityPenalty()).isCloseTo(Math.exp(1 - 8.0 / 7), within(1e-12));
        assertThat(closest.bleu()).isCloseTo(Math.pow(1.0 * 5 / 6 * 3 / 5 * 2 / 4, 0.25) * Math.exp(1 - 8.0 / 7),
                within(1e-12));
        // 6 tokens against 5 and 7: equally close, the shorter counts, and 6 > 5 means no penalty
        BleuScore tie = BleuScore.of(List.of("the cat sat on the mat"),
                List.of(List.of("the cat sat on the", "the cat sat on the mat too")));
        assertThat(tie.referenceLength()).isEqualTo(5);
        assertThat(tie.brevityPenalty()).isEqualTo(1.0);
    }

    @Test
    void emptyPredictionsAndReferences() {
        BleuScore empty = BleuScore.of(List.of(""), List.of(List.of("a dog")));
        assertThat(empty.bleu()).isZero();
        assertThat(empty.brevityPenalty()).isZero();
        // an empty reference: nothing can match, but the prediction is not too short (BP 1, as sacreBLEU)
        BleuScore noReference = BleuScore.of(List.of("the cat"), List.of(List.of("")));
        assertThat(noReference.bleu()).isZero();
        assertThat(noReference.brevityPenalty()).isEqualTo(1.0);
    }

    @Test
    void tokenisesLike13a() {
        // 13a splits off punctuation but keeps hyphens and apostrophes inside words and digits' separators.
        assertThat(BleuScore.tokenize("Hello, world! It's 1,000.50 dollars-ish (really)."))
                .containsExactly("Hello", ",", "world", "!", "It's", "1,000.50", "dollars-ish", "(", "really", ")",
                        ".");
        // Python's white space: no-break and ideographic spaces separate tokens; a final "-\n" is
        // stripped as trailing white space before 13a, so the hyphen stays.
        assertThat(BleuScore.tokenize("the\u00a0cat\u3000sat")).containsExactly("the", "cat", "sat");
        assertThat(BleuScore.tokenize("a well-\n")).containsExactly("a", "well-");
        assertThat(BleuScore.tokenize("word-\nbreak")).containsExactly("wordbreak");
    }
}
