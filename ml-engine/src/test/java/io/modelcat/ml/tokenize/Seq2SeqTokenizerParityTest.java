package io.modelcat.ml.tokenize;

import static io.modelcat.ml.ReferenceOutputs.longs;
import static io.modelcat.ml.ReferenceOutputs.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.infer.GenerationSettings;
import io.modelcat.ml.infer.Seq2SeqGenerator;
import io.modelcat.ml.model.Seq2SeqModel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The encoder-decoders' tokenizers as the Hub ships them in {@code tokenizer.json} against transformers' tokenizer
 * loaded from the same folder: T5's SentencePiece Unigram (NFKC, Metaspace, Viterbi segmentation, {@code </s>} appended,
 * {@code <unk>} for unknown characters) and BART's byte-level BPE ({@code <s> ... </s>}); ids, pieces and decodes. Then
 * text in, text out: the tiny T5 summarising and translating with its task prefixes, greedy and with beams.
 */
class Seq2SeqTokenizerParityTest {

    static Stream<Arguments> encodings() {
        List<Arguments> cases = new ArrayList<>();
        for (String name : List.of("t5-v1_0", "t5-v1_1", "bart")) {
            JsonNode encodings = Fixtures.seq2seqTokenizers(name).get("encodings");
            for (int index = 0; index < encodings.size(); index++) {
                cases.add(Arguments.of(name, index));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} text {1}")
    @MethodSource("encodings")
    void idsPiecesAndDecodesAreTransformers(String name, int index) {
        JsonNode expected = Fixtures.seq2seqTokenizers(name).get("encodings").get(index);
        String text = expected.get("text").asText();
        try (TextTokenizer tokenizer = TextTokenizer.load(Fixtures.model(name).resolve("tokenizer.json"), 0)) {
            long[] ids = tokenizer.encode(text);
            assertThat(ids).as("ids of %s", text).containsExactly(longs(expected.get("ids")));
            assertThat(tokenizer.encode(text, false)).as("ids without special tokens of %s", text)
                    .containsExactly(longs(expected.get("ids_without_special")));
            assertThat(tokenizer.pieces(text)).as("pieces of %s", text).containsExactlyElementsOf(strings(expected.get("pieces")));
            assertThat(tokenizer.decode(ids, false)).isEqualTo(expected.get("decoded").asText());
            assertThat(tokenizer.decode(ids, true)).isEqualTo(expected.get("decoded_skip_special").asText());
        }
    }

    @Test
    void t5VocabularyIsAUnigramWithItsSpecialTokens() {
        TokenVocabulary vocabulary = TokenVocabulary.read(Fixtures.model("t5-v1_0").resolve("tokenizer.json"));
        assertThat(vocabulary.size()).isEqualTo(Fixtures.seq2seqTokenizers("t5-v1_0").get("vocab_size").asInt());
        assertThat(vocabulary.idOf("</s>")).hasValue(1);
        assertThat(vocabulary.idOf("<pad>")).hasValue(0);
        assertThat(vocabulary.specialIds()).contains(0L, 1L, 2L);
    }

    static Stream<Arguments> pipeline() {
        List<Arguments> cases = new ArrayList<>();
        JsonNode rows = Fixtures.seq2seqTokenizers("t5-v1_0").get("pipeline");
        for (int index = 0; index < rows.size(); index++) {
            for (String search : List.of("defaults", "beam3")) {
                cases.add(Arguments.of(index, search));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "row {0} {1}")
    @MethodSource("pipeline")
    void textInTextOutIsTransformers(int index, String search) {
        JsonNode row = Fixtures.seq2seqTokenizers("t5-v1_0").get("pipeline").get(index);
        JsonNode expected = row.get("searches").get(search);
        try (TextTokenizer tokenizer = TextTokenizer.load(Fixtures.model("t5-v1_0").resolve("tokenizer.json"), 0);
                Seq2SeqModel model = Seq2SeqModel.load(Fixtures.model("t5-v1_0"))) {
            long[] input = tokenizer.encode(row.get("prefix").asText() + row.get("text").asText());
            assertThat(input).containsExactly(longs(row.get("input_ids")));
            Seq2SeqGenerator generator = new Seq2SeqGenerator(model);
            GenerationSettings settings = generator.modelDefaults();
            JsonNode asked = expected.get("settings");
            if (asked.has("num_beams")) {
                settings = settings.withNumBeams(asked.get("num_beams").asInt())
                        .withNoRepeatNgramSize(asked.get("no_repeat_ngram_size").asInt())
                        .withMaxNewTokens(asked.get("max_new_tokens").asInt());
            }
            long[] generated = generator.generate(new long[][] {input}, new long[][] {ones(input.length)}, settings)
                    .get(0);
            long[] expectedIds = longs(expected.get("generated_ids"));
            // transformers pads a row that ended early; the engine's rows stop at their end token.
            assertThat(generated).containsExactly(java.util.Arrays.copyOf(expectedIds, generated.length));
            assertThat(tokenizer.decode(generated, true)).isEqualTo(expected.get("generated_text").asText());
        }
    }

    private static long[] ones(int length) {
        long[] mask = new long[length];
        java.util.Arrays.fill(mask, 1L);
        return mask;
    }
}
