package io.modelcat.ml.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcat.ml.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ids from the fixture vocabulary: [PAD]0 [UNK]1 [CLS]2 [SEP]3 the5 a6 cat7 dog8 sat9 on10 mat11 good12 ##s19 .17 */
class TextTokenizerTest {

    private static TextTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = TextTokenizer.load(Fixtures.bert().resolve("tokenizer.json"), 0);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void encodesWithSpecialTokensAndLowerCases() {
        assertThat(tokenizer.encode("The CAT sat.")).containsExactly(2, 5, 7, 9, 17, 3);
        assertThat(tokenizer.encode("cats")).containsExactly(2, 7, 19, 3);
    }

    @Test
    void padsToTheLongestTextWithAMask() {
        TokenizedBatch batch = tokenizer.encodeBatch(List.of("the cat", "a dog sat on the mat"), 64);
        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.sequenceLength()).isEqualTo(8);
        assertThat(batch.inputIds()[0]).containsExactly(2, 5, 7, 3, 0, 0, 0, 0);
        assertThat(batch.attentionMask()[0]).containsExactly(1, 1, 1, 1, 0, 0, 0, 0);
        assertThat(batch.inputIds()[1]).containsExactly(2, 6, 8, 9, 10, 5, 11, 3);
        assertThat(batch.attentionMask()[1]).containsOnly(1);
        assertThat(batch.tokenTypeIds()[0]).containsOnly(0);
    }

    @Test
    void truncationKeepsTheClosingSeparator() {
        TokenizedBatch batch = tokenizer.encodeBatch(List.of("a dog sat on the mat"), 4);
        assertThat(batch.inputIds()[0]).containsExactly(2, 6, 8, 3);
    }

    @Test
    void alignsSubTokensWithTheirWords() {
        WordAlignedBatch batch = tokenizer.encodeWordsBatch(List.of(List.of("cats", "sat"), List.of("dog")), 64);
        assertThat(batch.tokens().inputIds()[0]).containsExactly(2, 7, 19, 9, 3);
        assertThat(batch.wordIds()[0]).containsExactly(-1, 0, 0, 1, -1);
        assertThat(batch.wordIds()[1]).containsExactly(-1, 0, -1, -1, -1);
    }

    @Test
    void pairsFollowTheTokenizersPairTemplateAndTruncateTheLongerTextFirst() {
        // The fixture's pair template is "$A $B:1": no special tokens, second text typed 1.
        TokenizedBatch pair = tokenizer.encodePairBatch(List.of("the cat", "the cat sat on the mat"),
                List.of("a dog", "a dog"), 5);
        assertThat(pair.inputIds()[0]).containsExactly(5, 7, 6, 8, 0);
        assertThat(pair.tokenTypeIds()[0]).containsExactly(0, 0, 1, 1, 0);
        assertThat(pair.attentionMask()[0]).containsExactly(1, 1, 1, 1, 0);
        assertThat(pair.inputIds()[1]).containsExactly(5, 7, 9, 6, 8);
        assertThat(pair.tokenTypeIds()[1]).containsExactly(0, 0, 0, 1, 1);
    }

    @Test
    void bertStylePairTemplateKeepsItsSpecialTokensWhenTruncating(@TempDir Path temporary) {
        Path file = Fixtures.bertWithPairTemplate(temporary).resolve("tokenizer.json");

        try (TextTokenizer bertPairs = TextTokenizer.load(file, 0)) {
            TokenizedBatch full = bertPairs.encodePairBatch(List.of("the cat"), List.of("a dog"), 64);
            assertThat(full.inputIds()[0]).containsExactly(2, 5, 7, 3, 6, 8, 3);
            assertThat(full.tokenTypeIds()[0]).containsExactly(0, 0, 0, 0, 1, 1, 1);
            // 6 tokens: 3 specials leave 3 of 3 + 2 text tokens; "the cat sat" loses 1, then the tie loses "dog".
            TokenizedBatch cut = bertPairs.encodePairBatch(List.of("the cat sat"), List.of("a dog"), 6);
            assertThat(cut.inputIds()[0]).containsExactly(2, 5, 7, 3, 6, 3);
            assertThat(cut.tokenTypeIds()[0]).containsExactly(0, 0, 0, 0, 1, 1);
        }
    }

    @Test
    void refusesAMissingFileInsteadOfAskingTheHub() {
        assertThatThrownBy(() -> TextTokenizer.load(Path.of("bert-base-uncased"), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no tokenizer file");
    }
}
