package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.DjlEnvironment;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.ArchitectureFamily;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.checkpoint.CheckpointReader;
import io.modelcat.ml.checkpoint.HfConfig;
import io.modelcat.ml.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading layouts other than the fixtures' own: shards, prefix-less base models, RoBERTa, new heads. */
class ModelLoaderTest {

    private static float[] bertReference;

    @TempDir
    Path temporary;

    @BeforeAll
    static void readReference() {
        DjlEnvironment.configure();
        bertReference = Fixtures.referenceOutputs().model("bert").logits().row(0);
    }

    @Test
    void loadsAShardedCheckpointThroughItsIndex() throws IOException {
        Path sharded = temporary.resolve("sharded");
        Files.createDirectories(sharded);
        Files.copy(Fixtures.bert().resolve("config.json"), sharded.resolve("config.json"));
        Files.copy(Fixtures.bert().resolve("tokenizer.json"), sharded.resolve("tokenizer.json"));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> all = CheckpointReader.read(Fixtures.bert(), manager);
            Map<String, NDArray> first = new LinkedHashMap<>();
            Map<String, NDArray> second = new LinkedHashMap<>();
            StringBuilder weightMap = new StringBuilder();
            all.forEach((name, array) -> {
                boolean early = name.contains("embeddings") || name.contains("layer.0.");
                (early ? first : second).put(name, array);
                String file = early ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
                weightMap.append(weightMap.length() == 0 ? "" : ",").append('"').append(name).append("\":\"")
                        .append(file).append('"');
            });
            SafetensorsWriter.write(sharded.resolve("model-00001-of-00002.safetensors"), first);
            SafetensorsWriter.write(sharded.resolve("model-00002-of-00002.safetensors"), second);
            Files.writeString(sharded.resolve(CheckpointReader.SHARD_INDEX),
                    "{\"metadata\":{\"total_size\":0},\"weight_map\":{" + weightMap + "}}");
        }
        assertThat(sharded.resolve(CheckpointReader.SINGLE_FILE)).doesNotExist();

        assertThat(ReferenceParityTest.logitsFor(sharded, new Shape(1, 2)))
                .containsExactly(ReferenceParityTest.logitsFor(Fixtures.bert(), new Shape(1, 2)));
    }

    @Test
    void robertaWithShiftedPositionsAndItsOwnHeadReproducesBert() throws IOException {
        // RoBERTa counts positions from pad_token_id + 1 and names its head classifier.dense/out_proj;
        // move BERT's weights accordingly and the logits must not change.
        Path roberta = temporary.resolve("roberta");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CheckpointCopies.copyWithWeights(Fixtures.bert(), roberta, manager, (bert, renamed) -> bert.forEach(
                    (name, array) -> {
                        String key = name.replace("bert.pooler.dense", "classifier.dense")
                                .replace("classifier.weight", "classifier.out_proj.weight")
                                .replace("classifier.bias", "classifier.out_proj.bias")
                                .replaceFirst("^bert\\.", "roberta.");
                        if (key.endsWith("position_embeddings.weight")) {
                            NDArray shifted = array.get("0:1").concat(array.get("0:63"), 0);
                            renamed.put(key, shifted);
                        } else {
                            renamed.put(key, array);
                        }
                    }));
        }
        String config = Files.readString(roberta.resolve("config.json"))
                .replace("\"model_type\": \"bert\"", "\"model_type\": \"roberta\"")
                .replace("BertForSequenceClassification", "RobertaForSequenceClassification");
        Files.writeString(roberta.resolve("config.json"), config);

        try (TransformerModel model = ModelLoader.load(roberta)) {
            assertThat(model.family()).isEqualTo(ArchitectureFamily.ROBERTA);
        }
        float[] logits = ReferenceParityTest.logitsFor(roberta, new Shape(1, 2));
        for (int index = 0; index < logits.length; index++) {
            assertThat((double) logits[index]).isCloseTo(bertReference[index],
                    org.assertj.core.api.Assertions.within(1e-5));
        }
    }

    @Test
    void baseModelKeysWithoutPrefixGetANewHead() throws IOException {
        // BertModel.save_pretrained writes "embeddings...", not "bert.embeddings...", and has no classifier.
        Path base = temporary.resolve("base");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CheckpointCopies.copyWithWeights(Fixtures.bert(), base, manager, (bert, stripped) -> bert.forEach(
                    (name, array) -> {
                        if (name.startsWith("bert.")) {
                            stripped.put(name.substring("bert.".length()), array);
                        }
                    }));
        }
        Files.writeString(base.resolve("config.json"),
                Files.readString(base.resolve("config.json")).replace("BertForSequenceClassification", "BertModel"));

        assertThatThrownBy(() -> ModelLoader.load(base)).hasMessageContaining("HeadRequest");
        List<String> labels = List.of("sports", "politics", "science");
        try (TransformerModel model = ModelLoader.load(base,
                new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, labels, 5))) {
            assertThat(model.newlyInitialised()).containsExactly("classifier.weight", "classifier.bias");
            assertThat(model.parameters()).containsKey("bert.encoder.layer.1.output.dense.weight");
            assertThat(model.labels()).isEqualTo(labels);
        }
    }

    @Test
    void newHeadIsDrawnFromNormalWithInitializerRangeAndZeroBias() {
        List<String> labels = List.of("a", "b", "c", "d", "e", "f", "g", "h");
        HeadRequest request = new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, labels, 21);
        try (TransformerModel model = ModelLoader.load(Fixtures.bert(), request);
                TransformerModel again = ModelLoader.load(Fixtures.bert(), request);
                TransformerModel original = ModelLoader.load(Fixtures.bert());
                NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertThat(model.newlyInitialised()).containsExactly("classifier.weight", "classifier.bias");
            NDArray weight = model.parameters().get("classifier.weight");
            assertThat(weight.getShape()).isEqualTo(new Shape(8, 32));
            float[] values = weight.toFloatArray();
            double mean = 0;
            double square = 0;
            for (float value : values) {
                mean += value / values.length;
                square += (double) value * value / values.length;
            }
            double deviation = Math.sqrt(square - mean * mean);
            // 256 draws from normal(0, 0.02): the sample deviation lands within 15% of 0.02.
            assertThat(deviation).isBetween(0.017, 0.023);
            assertThat(Math.abs(mean)).isLessThan(0.004);
            assertThat(model.parameters().get("classifier.bias").toFloatArray()).containsOnly(0f);
            assertThat(again.parameters().get("classifier.weight").toFloatArray()).containsExactly(values);
            // The pooler belongs to the pretrained body and is kept.
            assertThat(model.parameters().get("bert.pooler.dense.weight").toFloatArray())
                    .containsExactly(original.parameters().get("bert.pooler.dense.weight").toFloatArray());
            HfConfig config = model.config();
            assertThat(config.labels()).isEqualTo(labels);
            assertThat(config.intValue("num_labels", 0)).isEqualTo(8);
        }
    }

    @Test
    void requestingTheCheckpointsOwnLabelsKeepsItsTrainedHead() {
        try (TransformerModel model = ModelLoader.load(Fixtures.bert(),
                new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, List.of("LABEL_0", "LABEL_1"), 3))) {
            assertThat(model.newlyInitialised()).isEmpty();
        }
    }

    @Test
    void distilbertTokenCheckpointCanCarryASequenceClassificationHead() {
        try (TransformerModel model = ModelLoader.load(Fixtures.distilbert(),
                new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, List.of("no", "yes"), 1))) {
            assertThat(model.newlyInitialised()).containsExactly("pre_classifier.weight", "pre_classifier.bias",
                    "classifier.weight", "classifier.bias");
            assertThat(model.config().architecture()).contains("DistilBertForSequenceClassification");
        }
    }

    @Test
    void rejectsADirectoryWithoutWeights() throws IOException {
        Path empty = temporary.resolve("empty");
        Files.createDirectories(empty);
        Files.copy(Fixtures.bert().resolve("config.json"), empty.resolve("config.json"));
        assertThatThrownBy(() -> ModelLoader.load(empty)).hasMessageContaining("model.safetensors");
    }
}
