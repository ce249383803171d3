package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.infer.GenerationSettings;
import io.modelcat.ml.infer.Seq2SeqGenerator;
import io.modelcat.ml.infer.TextToTextModel;
import io.modelcat.ml.tokenize.TextTokenizer;
import io.modelcat.ml.tokenize.TokenizedBatch;
import io.modelcat.ml.train.Seq2SeqFineTuner;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.testsupport.ReferencePython;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine exports after fine-tuning an encoder-decoder (T5 v1.0, T5 v1.1 as flan-T5 lays it out, BART) must
 * load in {@code transformers} ({@code AutoTokenizer} and {@code AutoModelForSeq2SeqLM}) with identical token ids,
 * teacher-forced logits within 1e-4 of the engine's, and identical greedy and beam-4 generations. The checks themselves
 * are {@code reference/tests/test_export_seq2seq.py}. Marian is left out: its tokenizer is SentencePiece's {@code .spm}
 * files, which the engine does not read yet.
 */
class Seq2SeqExportInteropTest {

    /**
     * Sources and targets in the tiny tokenizers' vocabulary (fixtures' SEQ2SEQ_TOKENIZER_CORPUS words), each short
     * enough for the tiny BART's 30 learned positions.
     */
    private static final List<String> SOURCES = List.of("summarize: the cat sat on the mat and the dog sat.",
            "translate: the cat is good.", "a dog was good, the movie was bad.",
            "the dog ran to the cat; the cat ran.");
    private static final List<String> TARGETS = List.of("the cat sat on the mat.", "a dog was good",
            "the movie was bad.", "good dogs sat, bad cats ran.");
    /** Two steps of two pairs at a learning rate large enough that the weights move well away from the fixture's. */
    private static final TrainingConfig TRAINING = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
            .withLearningRate(1e-2).withWarmupRatio(0.0).withSeed(11);
    private static final int NEW_TOKENS = 10;

    @TempDir
    Path exports;

    @Test
    void fineTunedEncoderDecodersLoadInTransformersWithTheSameIdsLogitsAndGenerations() throws IOException {
        for (String name : List.of("t5-v1_0", "t5-v1_1", "bart")) {
            export(name);
        }
        String output = ReferencePython.run(Duration.ofMinutes(10), Map.of("MODELCAT_EXPORTS", exports.toString()),
                "-m", "pytest", "-v", "-s", "-p", "no:cacheprovider", "reference/tests/test_export_seq2seq.py");
        assertThat(output).contains("3 passed").doesNotContain("skipped");
    }

    /**
     * Fine-tunes the fixture two steps, saves it as a job's output is saved, loads the saved folder afresh (with its
     * tokenizer) and writes beside it what that model computes: token ids, teacher-forced logits, greedy and beam-4 ids.
     */
    private void export(String name) throws IOException {
        Path fixture = Fixtures.model(name);
        Path directory = exports.resolve(name);
        long[][] sourceIds;
        long[][] sourceMask;
        long[][] decoderIds;
        float[][][] fixtureLogits;
        try (TextTokenizer tokenizer = TextTokenizer.load(fixture.resolve("tokenizer.json"), padOf(fixture));
                Seq2SeqModel model = Seq2SeqModel.load(fixture)) {
            TokenizedBatch sources = tokenizer.encodeBatch(SOURCES, 64);
            sourceIds = sources.inputIds();
            sourceMask = sources.attentionMask();
            decoderIds = shiftedRight(TARGETS.stream().map(tokenizer::encode).toList(),
                    model.config().optionalLong("decoder_start_token_id").orElseThrow());
            fixtureLogits = model.logits(sourceIds, sourceMask, decoderIds);
            List<Seq2SeqFineTuner.Pair> pairs = new ArrayList<>();
            for (int i = 0; i < SOURCES.size(); i++) {
                pairs.add(new Seq2SeqFineTuner.Pair(tokenizer.encode(SOURCES.get(i)), tokenizer.encode(TARGETS.get(i))));
            }
            List<Double> losses = new Seq2SeqFineTuner(TRAINING).train(model, pairs);
            assertThat(losses).as(name).hasSize(2).allSatisfy(loss -> assertThat(loss).isFinite());
            ModelSaver.save(model, directory);
        }

        ObjectMapper json = new ObjectMapper();
        ObjectNode outputs = json.createObjectNode().put("model", name).put("auto_class", "AutoModelForSeq2SeqLM");
        try (TextToTextModel saved = TextToTextModel.load(directory, Device.cpu())) {
            TokenizedBatch sources = saved.tokenizer().encodeSources(SOURCES, 64);
            assertThat(sources.inputIds()).as("the export's tokenizer encodes as the fixture's").isDeepEqualTo(sourceIds);
            ArrayNode texts = outputs.putArray("texts");
            SOURCES.forEach(texts::add);
            ArrayNode targets = outputs.putArray("targets");
            TARGETS.forEach(targets::add);
            outputs.set("target_ids", json.valueToTree(TARGETS.stream()
                    .map(t -> saved.tokenizer().encodeTargets(List.of(t), 64).inputIds()[0]).toList()));
            outputs.set("input_ids", json.valueToTree(sourceIds));
            outputs.set("attention_mask", json.valueToTree(sourceMask));
            outputs.set("decoder_input_ids", json.valueToTree(decoderIds));

            float[][][] logits = saved.model().logits(sourceIds, sourceMask, decoderIds);
            assertThat(maxAbsDifference(logits, fixtureLogits)).as("%s: fine-tuning moved the logits", name)
                    .isGreaterThan(1e-3);
            outputs.putObject("logits")
                    .<ObjectNode>set("shape", json.valueToTree(new int[] {logits.length, logits[0].length,
                            logits[0][0].length}))
                    .set("values", json.valueToTree(flatten(logits)));

            Seq2SeqGenerator generator = new Seq2SeqGenerator(saved.model());
            for (int beams : new int[] {1, 4}) {
                GenerationSettings settings = generator.modelDefaults().withNumBeams(beams).withMaxNewTokens(NEW_TOKENS);
                List<long[]> generated = generator.generate(sourceIds, sourceMask, settings);
                outputs.putObject(beams == 1 ? "greedy" : "beam4").put("num_beams", beams)
                        .put("max_new_tokens", NEW_TOKENS).set("generated_ids", json.valueToTree(generated));
            }
        }
        json.writeValue(directory.resolve("engine-outputs.json").toFile(), outputs);
    }

    private static long padOf(Path directory) {
        return ModelLoader.checkpointConfig(directory).optionalLong("pad_token_id").orElse(0L);
    }

    /** Each target behind the decoder start token, without its last id, all cut to the shortest (no padding). */
    private static long[][] shiftedRight(List<long[]> targets, long start) {
        int length = targets.stream().mapToInt(target -> target.length).min().orElseThrow();
        long[][] rows = new long[targets.size()][length];
        for (int row = 0; row < rows.length; row++) {
            rows[row][0] = start;
            System.arraycopy(targets.get(row), 0, rows[row], 1, length - 1);
        }
        return rows;
    }

    private static float[] flatten(float[][][] values) {
        float[] flat = new float[values.length * values[0].length * values[0][0].length];
        int next = 0;
        for (float[][] matrix : values) {
            for (float[] row : matrix) {
                System.arraycopy(row, 0, flat, next, row.length);
                next += row.length;
            }
        }
        return flat;
    }

    private static double maxAbsDifference(float[][][] a, float[][][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                for (int k = 0; k < a[i][j].length; k++) {
                    max = Math.max(max, Math.abs(a[i][j][k] - b[i][j][k]));
                }
            }
        }
        return max;
    }
}
