package io.modelcat.ml.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.ml.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a randomly initialised {@code bert-base-uncased}-shaped checkpoint (hidden 768, 12 layers,
 * 12 heads, intermediate 3072, vocab 30522) as a Hugging Face directory; throughput does not depend
 * on the weights' values. The tokenizer is borrowed, since the benchmark feeds token ids directly.
 */
final class BertBaseCheckpoint {

    static final int VOCAB = 30522;
    static final int HIDDEN = 768;
    static final int LAYERS = 12;
    static final int HEADS = 12;
    static final int INTERMEDIATE = 3072;
    static final int POSITIONS = 512;

    private BertBaseCheckpoint() {}

    static Path writeIfMissing(Path directory, Path tokenizerJson) {
        if (Files.exists(directory.resolve("model.safetensors"))) {
            return directory;
        }
        try {
            Files.createDirectories(directory);
            Files.copy(tokenizerJson, directory.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            writeConfig(directory.resolve("config.json"));
            try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
                manager.getEngine().setRandomSeed(0);
                SafetensorsWriter.write(directory.resolve("model.safetensors"), weights(manager));
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeConfig(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.putArray("architectures").add("BertModel");
        config.put("model_type", "bert").put("vocab_size", VOCAB).put("hidden_size", HIDDEN)
                .put("num_hidden_layers", LAYERS).put("num_attention_heads", HEADS)
                .put("intermediate_size", INTERMEDIATE).put("hidden_act", "gelu")
                .put("hidden_dropout_prob", 0.1).put("attention_probs_dropout_prob", 0.1)
                .put("max_position_embeddings", POSITIONS).put("type_vocab_size", 2)
                .put("initializer_range", 0.02).put("layer_norm_eps", 1e-12).put("pad_token_id", 0);
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), config);
    }

    private static Map<String, NDArray> weights(NDManager manager) {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        String embeddings = "bert.embeddings.";
        weights.put(embeddings + "word_embeddings.weight", normal(manager, VOCAB, HIDDEN));
        weights.put(embeddings + "position_embeddings.weight", normal(manager, POSITIONS, HIDDEN));
        weights.put(embeddings + "token_type_embeddings.weight", normal(manager, 2, HIDDEN));
        layerNorm(weights, manager, embeddings + "LayerNorm");
        for (int layer = 0; layer < LAYERS; layer++) {
            String prefix = "bert.encoder.layer." + layer + ".";
            for (String projection : new String[] {"query", "key", "value"}) {
                linear(weights, manager, prefix + "attention.self." + projection, HIDDEN, HIDDEN);
            }
            linear(weights, manager, prefix + "attention.output.dense", HIDDEN, HIDDEN);
            layerNorm(weights, manager, prefix + "attention.output.LayerNorm");
            linear(weights, manager, prefix + "intermediate.dense", INTERMEDIATE, HIDDEN);
            linear(weights, manager, prefix + "output.dense", HIDDEN, INTERMEDIATE);
            layerNorm(weights, manager, prefix + "output.LayerNorm");
        }
        linear(weights, manager, "bert.pooler.dense", HIDDEN, HIDDEN);
        return weights;
    }

    private static NDArray normal(NDManager manager, long... shape) {
        return manager.randomNormal(0f, 0.02f, new Shape(shape), ai.djl.ndarray.types.DataType.FLOAT32);
    }

    private static void linear(Map<String, NDArray> weights, NDManager manager, String prefix, int out, int in) {
        weights.put(prefix + ".weight", normal(manager, out, in));
        weights.put(prefix + ".bias", manager.zeros(new Shape(out)));
    }

    private static void layerNorm(Map<String, NDArray> weights, NDManager manager, String prefix) {
        weights.put(prefix + ".weight", manager.ones(new Shape(HIDDEN)));
        weights.put(prefix + ".bias", manager.zeros(new Shape(HIDDEN)));
    }
}
