package io.modelcat.ml.tokenize;

import static io.modelcat.ml.ReferenceOutputs.longs;
import static io.modelcat.ml.ReferenceOutputs.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.infer.GenerationSettings;
import io.modelcat.ml.infer.TextToTextModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tiny Marian's opus-mt-style tokenizer ({@code source.spm}, {@code target.spm}, {@code vocab.json}, no
 * {@code tokenizer.json}) against transformers' {@code MarianTokenizer} loaded from the same folder: pieces and ids of
 * sources (language codes known and unknown, characters neither SentencePiece model has, runs of spaces, a literal
 * {@code </s>}, blank and empty texts) and of targets (segmented by {@code target.spm}), decodes with and without the
 * special tokens, and text in, text out: the model translating two texts as one padded batch, greedy and with beams.
 */
class MarianTokenizerParityTest {

    private static final JsonNode REFERENCE = Fixtures.marianTokenizer();

    static Stream<Arguments> encodings() {
        List<Arguments> cases = new ArrayList<>();
        for (String side : List.of("sources", "targets")) {
            IntStream.range(0, REFERENCE.get(side).size()).forEach(index -> cases.add(Arguments.of(side, index)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("encodings")
    void piecesAndIdsAreTransformers(String side, int index) {
        JsonNode expected = REFERENCE.get(side).get(index);
        String text = expected.get("text").asText();
        try (MarianTokenizer tokenizer = MarianTokenizer.load(Fixtures.model("marian"))) {
            boolean target = side.equals("targets");
            assertThat(target ? tokenizer.targetPieces(text) : tokenizer.sourcePieces(text)).as("pieces of '%s'", text)
                    .containsExactlyElementsOf(strings(expected.get("pieces")));
            assertThat(target ? tokenizer.encodeTarget(text) : tokenizer.encodeSource(text)).as("ids of '%s'", text)
                    .containsExactly(longs(expected.get("ids")));
        }
    }

    @Test
    void sourcesAndTargetsAreSegmentedByTheirOwnModels() {
        try (MarianTokenizer tokenizer = MarianTokenizer.load(Fixtures.model("marian"))) {
            // target.spm learned "▁katze" and "▁matte"; source.spm did not.
            assertThat(tokenizer.targetPieces("die katze")).contains("\u2581katze");
            assertThat(tokenizer.sourcePieces("die katze")).doesNotContain("\u2581katze");
            assertThat(tokenizer.vocabularySize()).isEqualTo(REFERENCE.get("vocab_size").asInt());
            assertThat(tokenizer.padTokenId()).isEqualTo(47);
            assertThat(tokenizer.eosTokenId()).isZero();
        }
    }

    static Stream<Integer> decodes() {
        return IntStream.range(0, REFERENCE.get("decodes").size()).boxed();
    }

    @ParameterizedTest
    @MethodSource("decodes")
    void decodesAreTransformers(int index) {
        JsonNode expected = REFERENCE.get("decodes").get(index);
        long[] ids = longs(expected.get("ids"));
        try (MarianTokenizer tokenizer = MarianTokenizer.load(Fixtures.model("marian"))) {
            assertThat(tokenizer.decode(ids, false)).isEqualTo(expected.get("decoded").asText());
            assertThat(tokenizer.decode(ids, true)).isEqualTo(expected.get("decoded_skip_special").asText());
        }
    }

    @Test
    void batchesAreRightPaddedWithPadAndCutKeepingTheEnd() {
        JsonNode pipeline = REFERENCE.get("pipeline");
        try (MarianTokenizer tokenizer = MarianTokenizer.load(Fixtures.model("marian"))) {
            TokenizedBatch batch = tokenizer.encodeSources(strings(pipeline.get("texts")), 64);
            for (int row = 0; row < batch.size(); row++) {
                assertThat(batch.inputIds()[row]).containsExactly(longs(pipeline.get("input_ids").get(row)));
                assertThat(batch.attentionMask()[row]).containsExactly(longs(pipeline.get("attention_mask").get(row)));
            }
            long[] whole = tokenizer.encodeSource("the cat sat on the mat.");
            long[] cut = tokenizer.encodeSources(List.of("the cat sat on the mat."), 5).inputIds()[0];
            assertThat(cut).containsExactly(whole[0], whole[1], whole[2], whole[3], 0L);
            assertThat(tokenizer.encodeTargets(List.of("die katze"), 64).inputIds()[0])
                    .containsExactly(tokenizer.encodeTarget("die katze"));
        }
    }

    static Stream<String> searches() {
        return Stream.of("greedy", "beam4");
    }

    /** Through {@link TextToTextModel}, which picks this tokenizer for a folder with source.spm and no tokenizer.json. */
    @ParameterizedTest
    @MethodSource("searches")
    void textInTextOutIsTransformers(String search) {
        JsonNode pipeline = REFERENCE.get("pipeline");
        JsonNode expected = pipeline.get("searches").get(search);
        try (TextToTextModel model = TextToTextModel.load(Fixtures.model("marian"), Device.cpu())) {
            assertThat(model.tokenizer()).isInstanceOf(MarianTokenizer.class);
            GenerationSettings settings = model.modelDefaults();
            JsonNode asked = expected.get("settings");
            if (asked.has("num_beams")) {
                settings = settings.withNumBeams(asked.get("num_beams").asInt());
            }
            if (asked.has("max_new_tokens")) {
                settings = settings.withMaxNewTokens(asked.get("max_new_tokens").asInt());
            }
            settings = settings.withMinNewTokens(asked.get("min_new_tokens").asInt());
            List<TextToTextModel.Generated> generated = model.generate(strings(pipeline.get("texts")), settings, 2, 64);
            for (int row = 0; row < generated.size(); row++) {
                assertThat(generated.get(row).ids()).as("%s row %d", search, row)
                        .containsExactly(longs(expected.get("generated_ids").get(row)));
                assertThat(generated.get(row).text()).isEqualTo(expected.get("generated_text").get(row).asText());
            }
        }
    }

    @Test
    void aFolderWithoutTokenizerFilesIsRefusedNamingThem(@TempDir Path folder) throws IOException {
        Files.copy(Fixtures.model("marian").resolve("source.spm"), folder.resolve("source.spm"));
        assertThatThrownBy(() -> Seq2SeqTokenizer.load(folder, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining("target.spm");
    }

    @Test
    void separateVocabulariesAndBrokenFilesAreRefused(@TempDir Path folder) throws IOException {
        for (String name : MarianTokenizer.FILES) {
            Files.copy(Fixtures.model("marian").resolve(name), folder.resolve(name));
        }
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"separate_vocabs\": true}");
        assertThatThrownBy(() -> MarianTokenizer.load(folder)).hasMessageContaining("separate_vocabs");
        Files.writeString(folder.resolve("tokenizer_config.json"), "{}");
        Files.writeString(folder.resolve("target.spm"), "not a model");
        assertThatThrownBy(() -> MarianTokenizer.load(folder)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target.spm");
        Files.copy(Fixtures.model("marian").resolve("target.spm"), folder.resolve("target.spm"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(folder.resolve("vocab.json"), "{\"a\": 0}");
        assertThatThrownBy(() -> MarianTokenizer.load(folder)).hasMessageContaining("<unk>");
    }
}
