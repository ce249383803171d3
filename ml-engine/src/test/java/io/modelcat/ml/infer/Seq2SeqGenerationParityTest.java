package io.modelcat.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.ReferenceOutputs;
import io.modelcat.ml.model.Seq2SeqModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generation with the tiny encoder-decoders against transformers' {@code generate} on the same padded source batch:
 * greedy ids, and beam searches under non-default processors (length penalty, no repeated n-grams, minimum length and
 * minimum new tokens, repetition penalty, bad words, forced first and last tokens, early stopping true, false and
 * "never"), each call's settings over the model's generation config (BART's asks for 4 beams and more).
 */
class Seq2SeqGenerationParityTest {

    static Stream<String> models() {
        return Stream.of("t5-v1_0", "t5-v1_1", "bart", "marian");
    }

    static Stream<Arguments> searches() {
        List<Arguments> cases = new ArrayList<>();
        models().forEach(name -> Fixtures.seq2seqReference(name).get("searches").fieldNames()
                .forEachRemaining(search -> cases.add(Arguments.of(name, search))));
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("models")
    void greedyIdsAreTransformers(String name) {
        JsonNode reference = Fixtures.seq2seqReference(name);
        try (Seq2SeqModel model = Seq2SeqModel.load(Fixtures.model(name))) {
            Seq2SeqGenerator generator = new Seq2SeqGenerator(model);
            GenerationSettings settings = generator.modelDefaults().withNumBeams(1)
                    .withMaxNewTokens(reference.get("greedy").get("max_new_tokens").asInt());
            assertGenerated(generator.generate(ids(reference), mask(reference), settings),
                    reference.get("greedy").get("generated_ids"), name + " greedy");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("searches")
    void searchIdsAreTransformers(String name, String search) {
        JsonNode reference = Fixtures.seq2seqReference(name);
        JsonNode expected = reference.get("searches").get(search);
        try (Seq2SeqModel model = Seq2SeqModel.load(Fixtures.model(name))) {
            Seq2SeqGenerator generator = new Seq2SeqGenerator(model);
            GenerationSettings settings = overridden(generator.modelDefaults(), expected.get("settings"));
            assertGenerated(generator.generate(ids(reference), mask(reference), settings),
                    expected.get("generated_ids"), name + " " + search);
        }
    }

    /** Beam search's own loop with one beam and early stopping is greedy decoding (transformers never runs it). */
    @ParameterizedTest
    @MethodSource("models")
    void oneBeamIsGreedy(String name) {
        JsonNode reference = Fixtures.seq2seqReference(name);
        try (Seq2SeqModel model = Seq2SeqModel.load(Fixtures.model(name))) {
            Seq2SeqGenerator generator = new Seq2SeqGenerator(model);
            // Plain greedy: none of BART's generation-config processors.
            GenerationSettings settings = generator.modelDefaults().withNumBeams(1).withMaxNewTokens(12)
                    .withNoRepeatNgramSize(0).withMinLength(0).withForcedBosTokenId(null)
                    .withEarlyStopping(GenerationSettings.EarlyStopping.TRUE);
            List<long[]> greedy = generator.generate(ids(reference), mask(reference), settings);
            List<long[]> beam = generator.beamSearch(ids(reference), mask(reference), settings);
            for (int row = 0; row < greedy.size(); row++) {
                assertThat(beam.get(row)).as("row %d of %s", row, name).containsExactly(greedy.get(row));
            }
            if (name.startsWith("t5")) {
                // The T5 fixtures' generation config adds nothing: this greedy run is the reference's.
                assertGenerated(greedy, reference.get("greedy").get("generated_ids"), name);
            }
        }
    }

    @Test
    void modelDefaultsComeFromTheGenerationConfig() {
        try (Seq2SeqModel model = Seq2SeqModel.load(Fixtures.model("bart"))) {
            GenerationSettings defaults = new Seq2SeqGenerator(model).modelDefaults();
            assertThat(defaults.numBeams()).isEqualTo(4);
            assertThat(defaults.lengthPenalty()).isEqualTo(2.0);
            assertThat(defaults.noRepeatNgramSize()).isEqualTo(3);
            assertThat(defaults.earlyStopping()).isEqualTo(GenerationSettings.EarlyStopping.TRUE);
            assertThat(defaults.resolvedMaxLength(model.config())).isEqualTo(14);
            assertThat(defaults.resolvedMinLength()).isEqualTo(5);
            assertThat(defaults.forcedBosTokenId()).isEqualTo(0L);
            assertThat(defaults.forcedEosTokenId()).isEqualTo(2L);
            assertThat(defaults.decoderStartTokenId()).isEqualTo(2L);
            assertThat(defaults.eosTokenIds()).containsExactly(2L);
            assertThat(defaults.padTokenId()).isEqualTo(1L);
        }
        try (Seq2SeqModel model = Seq2SeqModel.load(Fixtures.model("t5-v1_0"))) {
            GenerationSettings defaults = new Seq2SeqGenerator(model).modelDefaults();
            assertThat(defaults.numBeams()).isEqualTo(1);
            assertThat(defaults.decoderStartTokenId()).isEqualTo(0L);
            assertThat(defaults.padTokenId()).isEqualTo(0L);
            // No max_position_embeddings in a T5 config: 20 new tokens after the start token.
            assertThat(defaults.resolvedMaxLength(model.config())).isEqualTo(21);
        }
        try (Seq2SeqModel model = Seq2SeqModel.load(Fixtures.model("marian"))) {
            GenerationSettings defaults = new Seq2SeqGenerator(model).modelDefaults();
            // opus-mt: the pad token starts the decoder and is never generated.
            assertThat(defaults.decoderStartTokenId()).isEqualTo(47L);
            assertThat(defaults.padTokenId()).isEqualTo(47L);
            assertThat(defaults.badWordsIds()).containsExactly(List.of(47L));
            assertThat(defaults.eosTokenIds()).containsExactly(0L);
            assertThat(defaults.forcedEosTokenId()).isEqualTo(0L);
            assertThat(defaults.resolvedMaxLength(model.config())).isEqualTo(16);
            assertThat(defaults.renormalizeLogits()).isTrue();
        }
    }

    @Test
    void generationSettingsTheEngineDoesNotRunAreRefusedByName(@TempDir Path folder) throws IOException {
        Files.copy(Fixtures.model("bart").resolve("config.json"), folder.resolve("config.json"));
        Files.writeString(folder.resolve("generation_config.json"),
                "{\"do_sample\": true, \"num_beams\": 4, \"suppress_tokens\": [5], \"forced_eos_token_id\": [2]}");
        assertThatThrownBy(() -> GenerationSettings.modelDefaults(folder))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do_sample")
                .hasMessageContaining("suppress_tokens");
        Files.writeString(folder.resolve("generation_config.json"), "{\"forced_eos_token_id\": [2], \"num_beams\": 2}");
        GenerationSettings settings = GenerationSettings.modelDefaults(folder);
        assertThat(settings.forcedEosTokenId()).isEqualTo(2L);
        assertThat(settings.numBeams()).isEqualTo(2);
        // Token ids the generation config lacks come from config.json.
        assertThat(settings.decoderStartTokenId()).isEqualTo(2L);
        assertThat(settings.padTokenId()).isEqualTo(1L);
    }

    /** The call's settings over the model's, as generate(**settings) applies keyword arguments. */
    static GenerationSettings overridden(GenerationSettings settings, JsonNode overrides) {
        GenerationSettings result = settings;
        for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) overrides::fields) {
            JsonNode value = entry.getValue();
            result = switch (entry.getKey()) {
                case "num_beams" -> result.withNumBeams(value.asInt());
                case "length_penalty" -> result.withLengthPenalty(value.asDouble());
                case "no_repeat_ngram_size" -> result.withNoRepeatNgramSize(value.asInt());
                case "min_length" -> result.withMinLength(value.asInt());
                case "min_new_tokens" -> result.withMinNewTokens(value.asInt());
                case "max_length" -> result.withMaxLength(value.asInt());
                case "max_new_tokens" -> result.withMaxNewTokens(value.asInt());
                case "repetition_penalty" -> result.withRepetitionPenalty(value.asDouble());
                case "forced_bos_token_id" -> result.withForcedBosTokenId(value.asLong());
                case "forced_eos_token_id" -> result.withForcedEosTokenId(value.asLong());
                case "early_stopping" -> result.withEarlyStopping(value.isTextual()
                        ? GenerationSettings.EarlyStopping.NEVER
                        : value.asBoolean() ? GenerationSettings.EarlyStopping.TRUE
                                : GenerationSettings.EarlyStopping.FALSE);
                case "bad_words_ids" -> {
                    List<List<Long>> words = new ArrayList<>();
                    value.forEach(sequence -> words.add(java.util.Arrays.stream(ReferenceOutputs.longs(sequence))
                            .boxed().toList()));
                    yield result.withBadWordsIds(words);
                }
                default -> throw new IllegalArgumentException("the test does not know setting " + entry.getKey());
            };
        }
        return result;
    }

    private static void assertGenerated(List<long[]> generated, JsonNode expected, String what) {
        assertThat(generated).hasSize(expected.size());
        for (int row = 0; row < expected.size(); row++) {
            assertThat(generated.get(row)).as("row %d of %s", row, what)
                    .containsExactly(ReferenceOutputs.longs(expected.get(row)));
        }
    }

    private static long[][] ids(JsonNode reference) {
        return Seq2SeqLogitsParityTest.matrix(reference.get("inputs").get("input_ids"));
    }

    private static long[][] mask(JsonNode reference) {
        return Seq2SeqLogitsParityTest.matrix(reference.get("inputs").get("attention_mask"));
    }
}
