package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.infer.GenerationSettings;
import io.modelcat.ml.infer.TextToTextModel;
import io.modelcat.ml.tokenize.MarianTokenizer;
import io.modelcat.ml.train.Seq2SeqFineTuner;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingListener;
import io.modelcat.testsupport.ReferencePython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Marian (opus-mt layout: source.spm, target.spm, vocab.json, no tokenizer.json) fine-tuned by the engine and saved
 * as a job's output is saved loads in transformers ({@code AutoTokenizer}, {@code AutoModelForSeq2SeqLM}) with the
 * engine's source and target ids, and generates the engine's ids and texts greedily and with the model's beams. The
 * checks themselves are {@code reference/tests/test_export_marian.py}.
 */
class MarianExportInteropTest {

    private static final List<String> SOURCES = List.of("the cat sat on the mat.", ">>de<< a dog was good");
    private static final List<String> TARGETS = List.of("die katze sass auf der matte.", "ein hund war gut");

    @TempDir
    Path exports;

    @Test
    void aFineTunedMarianLoadsInTransformersAndGeneratesAsTheEngine() throws IOException {
        Path directory = exports.resolve("marian");
        try (TextToTextModel model = TextToTextModel.load(Fixtures.model("marian"), Device.cpu())) {
            List<Seq2SeqFineTuner.Pair> pairs = new ArrayList<>();
            for (int row = 0; row < SOURCES.size(); row++) {
                pairs.add(new Seq2SeqFineTuner.Pair(model.tokenizer().encodeSource(SOURCES.get(row)),
                        ((MarianTokenizer) model.tokenizer()).encodeTarget(TARGETS.get(row))));
            }
            new Seq2SeqFineTuner(TrainingConfig.defaults().withEpochs(2).withBatchSize(2).withLearningRate(1e-3)
                    .withSeed(5), TrainingListener.NONE).fit(model.model(), pairs);
            ModelSaver.save(model.model(), directory);
        }
        assertThat(directory.resolve("tokenizer.json")).doesNotExist();
        ObjectMapper json = new ObjectMapper();
        ObjectNode outputs = json.createObjectNode().put("tokenizer_class", "MarianTokenizer");
        try (TextToTextModel saved = TextToTextModel.load(directory, Device.cpu())) {
            MarianTokenizer tokenizer = (MarianTokenizer) saved.tokenizer();
            outputs.set("sources", json.valueToTree(SOURCES));
            outputs.set("source_ids", json.valueToTree(SOURCES.stream().map(tokenizer::encodeSource).toList()));
            outputs.set("targets", json.valueToTree(TARGETS));
            outputs.set("target_ids", json.valueToTree(TARGETS.stream().map(tokenizer::encodeTarget).toList()));
            ObjectNode searches = outputs.putObject("searches");
            search(searches, "greedy", saved, saved.modelDefaults().withNumBeams(1).withMinNewTokens(5)
                    .withMaxNewTokens(12), Map.of("num_beams", 1, "min_new_tokens", 5, "max_new_tokens", 12));
            search(searches, "beam4", saved, saved.modelDefaults().withMinNewTokens(5), Map.of("min_new_tokens", 5));
        }
        json.writeValue(directory.resolve("engine-outputs.json").toFile(), outputs);
        assertThat(Files.size(directory.resolve("engine-outputs.json"))).isPositive();

        String output = ReferencePython.run(Duration.ofMinutes(10), Map.of("MODELCAT_MARIAN_EXPORTS",
                exports.toString()), "-m", "pytest", "-v", "-s", "-p", "no:cacheprovider",
                "reference/tests/test_export_marian.py");
        assertThat(output).contains("1 passed").doesNotContain("skipped");
    }

    private static void search(ObjectNode searches, String name, TextToTextModel model, GenerationSettings settings,
            Map<String, Object> asTransformersAsks) {
        List<TextToTextModel.Generated> generated = model.generate(SOURCES, settings, SOURCES.size(), 64);
        ObjectNode search = searches.putObject(name);
        ObjectMapper json = new ObjectMapper();
        search.set("settings", json.valueToTree(asTransformersAsks));
        search.set("generated_ids", json.valueToTree(generated.stream().map(TextToTextModel.Generated::ids).toList()));
        search.set("generated_text", json.valueToTree(generated.stream().map(TextToTextModel.Generated::text).toList()));
    }
}
