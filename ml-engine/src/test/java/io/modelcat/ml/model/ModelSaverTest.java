package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.LabeledText;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingListener;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved model is a Hugging Face directory that reloads to the same outputs. */
class ModelSaverTest {

    private static final List<String> PROBES = List.of("the movie was good.", "a dog is bad", "the cat sat on the mat.",
            "zzz qqq");

    @TempDir
    Path temporary;

    @Test
    void fineTunedClassifierReloadsToIdenticalOutputs() throws IOException {
        Path saved = temporary.resolve("fine-tuned");
        float[] before;
        try (TransformerModel model = ModelLoader.load(Fixtures.bert(),
                new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, List.of("negative", "neutral", "positive"), 2))) {
            new FineTuner(TrainingConfig.defaults().withEpochs(1).withBatchSize(2).withLearningRate(1e-3),
                    TrainingListener.NONE).trainSequenceClassification(model, List.of(
                            new LabeledText("the movie was good.", 2), new LabeledText("a dog is bad", 0),
                            new LabeledText("the mat", 1), new LabeledText("a cat was good", 2)));
            before = logits(model);
            ModelSaver.save(model, saved);
        }

        JsonNode config = new ObjectMapper().readTree(saved.resolve("config.json").toFile());
        assertThat(config.get("num_labels").asInt()).isEqualTo(3);
        assertThat(config.get("id2label").get("2").asText()).isEqualTo("positive");
        assertThat(config.get("label2id").get("neutral").asInt()).isEqualTo(1);
        assertThat(config.get("architectures").get(0).asText()).isEqualTo("BertForSequenceClassification");
        assertThat(config.get("hidden_size").asInt()).isEqualTo(32);
        assertThat(saved.resolve("tokenizer.json")).hasSameBinaryContentAs(Fixtures.bert().resolve("tokenizer.json"));
        assertThat(safetensorsKeys(saved.resolve("model.safetensors")))
                .isEqualTo(safetensorsKeys(Fixtures.bert().resolve("model.safetensors")));

        try (TransformerModel reloaded = ModelLoader.load(saved)) {
            assertThat(reloaded.labels()).containsExactly("negative", "neutral", "positive");
            assertThat(reloaded.newlyInitialised()).isEmpty();
            assertThat(logits(reloaded)).containsExactly(before);
        }
    }

    @Test
    void gpt2SavesWithoutTheTiedLmHeadAndReloadsIdentically() throws IOException {
        Path saved = temporary.resolve("gpt2");
        float[] before;
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            before = logits(model);
            ModelSaver.save(model, saved);
        }
        assertThat(safetensorsKeys(saved.resolve("model.safetensors")))
                .isEqualTo(safetensorsKeys(Fixtures.gpt2().resolve("model.safetensors")))
                .doesNotContain("lm_head.weight");
        assertThat(saved.resolve("generation_config.json")).exists();
        try (TransformerModel reloaded = ModelLoader.load(saved)) {
            assertThat(logits(reloaded)).containsExactly(before);
        }
    }

    private static float[] logits(TransformerModel model) {
        try (NDManager batch = model.manager().newSubManager()) {
            return model.forward(model.tokenizer().encodeBatch(PROBES, 32).toNDList(batch), false)
                    .singletonOrThrow().toFloatArray();
        }
    }

    /** Reads the safetensors header independently of the writer: 8-byte little-endian length, then JSON. */
    static Set<String> safetensorsKeys(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(in)) {
            byte[] length = data.readNBytes(8);
            long headerLength = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(headerLength % 8).as("header padded to 8 bytes").isZero();
            JsonNode header = new ObjectMapper().readTree(
                    new String(data.readNBytes((int) headerLength), StandardCharsets.UTF_8));
            assertThat(header.get("__metadata__").get("format").asText()).isEqualTo("pt");
            Set<String> keys = new HashSet<>();
            for (Iterator<String> names = header.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("__metadata__")) {
                    keys.add(name);
                }
            }
            return keys;
        }
    }
}
