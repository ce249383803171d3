package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.ReferenceOutputs;
import io.modelcat.ml.arch.ArchitectureFamily;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.checkpoint.CheckpointReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading and saving the Llama-family checkpoints: shards, tied and untied heads, settings the engine refuses. */
class LlamaFamilyCheckpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temporary;

    @Test
    void theFamiliesAreNamedAsTransformersNamesThem() {
        assertThat(Stream.of("llama", "mistral", "qwen2", "qwen3").map(ArchitectureFamily::fromModelType)
                .map(family -> family.transformersClass(HeadType.CAUSAL_LM)))
                .containsExactly("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM");
        assertThat(ArchitectureFamily.QWEN3.heads()).containsExactly(HeadType.CAUSAL_LM);
    }

    @Test
    void aShardedCheckpointLoadsEveryTensorItsIndexNames() throws IOException {
        Path sharded = Fixtures.model("qwen3");
        assertThat(sharded.resolve(CheckpointReader.SINGLE_FILE)).doesNotExist();
        Set<String> indexed = weightMapKeys(sharded.resolve(CheckpointReader.SHARD_INDEX));
        assertThat(CheckpointReader.shardFiles(sharded.resolve(CheckpointReader.SHARD_INDEX))).hasSizeGreaterThan(1);
        try (TransformerModel model = ModelLoader.load(sharded)) {
            assertThat(model.family()).isEqualTo(ArchitectureFamily.QWEN3);
            assertThat(model.parameters().keySet()).isEqualTo(indexed).contains("lm_head.weight",
                    "model.layers.1.self_attn.k_norm.weight");
        }
    }

    @Test
    void tiedEmbeddingsServeAsTheHeadAndUntiedOnesHaveTheirOwn() {
        try (TransformerModel tied = ModelLoader.load(Fixtures.model("qwen2"));
                TransformerModel untied = ModelLoader.load(Fixtures.model("llama"))) {
            assertThat(tied.parameters()).containsKeys("model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.bias")
                    .doesNotContainKey("lm_head.weight");
            assertThat(untied.parameters()).containsKeys("model.embed_tokens.weight", "lm_head.weight")
                    .doesNotContainKey("model.layers.0.self_attn.q_proj.bias");
        }
    }

    /** Saved as one file (into a new folder or over the shards themselves), the model reloads to the same logits. */
    @Test
    void aShardedModelSavedAsOneFileReloadsToTheSameLogits() throws IOException {
        Path copy = copyOf(Fixtures.model("qwen3"), temporary.resolve("qwen3"));
        float[] original;
        try (TransformerModel model = ModelLoader.load(copy)) {
            original = logits(model);
            ModelSaver.save(model, temporary.resolve("saved"));
            ModelSaver.save(model, copy);
        }
        for (Path saved : List.of(temporary.resolve("saved"), copy)) {
            assertThat(saved.resolve(CheckpointReader.SINGLE_FILE)).isRegularFile();
            try (Stream<Path> files = Files.list(saved)) {
                assertThat(files.map(file -> file.getFileName().toString()))
                        .noneMatch(name -> name.startsWith("model-") || name.equals(CheckpointReader.SHARD_INDEX));
            }
            try (TransformerModel reloaded = ModelLoader.load(saved)) {
                assertThat(logits(reloaded)).containsExactly(original);
            }
        }
    }

    @Test
    void anUnsupportedRopeScalingTypeIsRefusedWithItsName() throws IOException {
        Path directory = copyOf(Fixtures.model("llama"), temporary.resolve("llama-yarn"));
        ObjectNode config = (ObjectNode) JSON.readTree(directory.resolve("config.json").toFile());
        ((ObjectNode) config.get("rope_parameters")).put("rope_type", "yarn").put("beta_fast", 32.0);
        JSON.writeValue(directory.resolve("config.json").toFile(), config);
        assertThatThrownBy(() -> ModelLoader.load(directory)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rope scaling type 'yarn' is not supported");
    }

    @Test
    void aHeadTheFamilyLacksIsRefused() {
        assertThatThrownBy(() -> ModelLoader.load(Fixtures.model("mistral"),
                new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, List.of("a", "b"), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no SEQUENCE_CLASSIFICATION head");
    }

    private static float[] logits(TransformerModel model) {
        ReferenceOutputs.Model reference = Fixtures.referenceOutputs().model("qwen3");
        try (NDManager batch = model.manager().newSubManager()) {
            NDArray logits = model.forward(reference.inputs(batch, false), false).singletonOrThrow();
            return logits.toFloatArray();
        }
    }

    private static Set<String> weightMapKeys(Path index) throws IOException {
        Set<String> keys = new HashSet<>();
        JsonNode weightMap = JSON.readTree(index.toFile()).get("weight_map");
        weightMap.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static Path copyOf(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return target;
    }
}
