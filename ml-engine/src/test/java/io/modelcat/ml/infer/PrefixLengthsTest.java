package io.modelcat.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.ml.Fixtures;
import io.modelcat.ml.tokenize.TextTokenizer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A prompt's token offsets from short windows are those of decoding every prefix whole, for each kind of decoder. */
class PrefixLengthsTest {

    /** Words, punctuation, accents, a CJK character, an emoji (bytes split across byte-level tokens), numbers. */
    private static final String TEXT = "Ünïcödé naïve café — it's \"quoted\", isn't it? 猫 and 🐈 x2.5% "
            + "the cat sat on the mat. unbelievable tokenization's pieces ## ▁ spaces  twice\n";

    @Test
    void windowsGiveTheLengthsOfEveryPrefixDecodedWhole() {
        // Byte-level BPE (GPT-2, Llama 3, Qwen), WordPiece with and without its decoder, Metaspace (T5's Unigram).
        for (String fixture : List.of("llama", "qwen2", "roberta-masked-lm", "bert-masked-lm", "gpt2", "t5-v1_1")) {
            try (TextTokenizer tokenizer = TextTokenizer.load(Fixtures.model(fixture).resolve("tokenizer.json"), 0)) {
                long[] ids = tokenizer.encode(TEXT.repeat(6), false);
                assertThat(ids.length).as(fixture).isGreaterThan(100);
                AtomicLong decoded = new AtomicLong();
                int[] windows = TextGenerator.prefixLengths(ids, prefix -> {
                    decoded.addAndGet(prefix.length);
                    return tokenizer.decode(prefix, true);
                });
                assertThat(windows).as(fixture).containsExactly(
                        TextGenerator.wholePrefixLengths(ids, prefix -> tokenizer.decode(prefix, true)));
                assertThat(decoded.get()).as("%s: tokens decoded for %d tokens", fixture, ids.length)
                        .isLessThan(30L * ids.length);
            }
        }
    }

    @Test
    void aDecoderThatDoesNotJoinByNeighboursGetsEveryPrefixDecodedWhole() {
        long[] ids = new long[40];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 7;
        }
        // Writes the tokens backwards: a window's text does not extend its context's.
        Function<long[], String> backwards = prefix -> {
            StringBuilder text = new StringBuilder();
            for (int i = prefix.length - 1; i >= 0; i--) {
                text.append(prefix[i] == 3 ? "ab" : "c");
            }
            return text.toString();
        };
        assertThat(TextGenerator.prefixLengths(ids, backwards))
                .containsExactly(TextGenerator.wholePrefixLengths(ids, backwards));
        // As long as the square of its tokens: each window extends its context's text, but the sum of the windows'
        // lengths is not the whole's.
        Function<long[], String> squared = prefix -> "x".repeat(prefix.length * prefix.length);
        assertThat(TextGenerator.prefixLengths(ids, squared))
                .containsExactly(TextGenerator.wholePrefixLengths(ids, squared));
    }
}
