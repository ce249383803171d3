package io.modelcat.ml.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/** Reads the weights of a Hugging Face model directory: one {@code model.safetensors} or its shards. */
public final class CheckpointReader {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String SHARD_INDEX = "model.safetensors.index.json";

    private CheckpointReader() {}

    /**
     * Loads every tensor, keyed by its Hugging Face state-dict name, attached to {@code manager};
     * floating-point tensors as float32. Legacy {@code gamma}/{@code beta} LayerNorm names are renamed to weight/bias.
     */
    public static Map<String, NDArray> read(Path modelDirectory, NDManager manager) {
        Path single = modelDirectory.resolve(SINGLE_FILE);
        Path index = modelDirectory.resolve(SHARD_INDEX);
        Map<String, NDArray> weights = new LinkedHashMap<>();
        if (Files.isRegularFile(single)) {
            readFile(single, manager, weights);
        } else if (Files.isRegularFile(index)) {
            for (String shard : shardFiles(index)) {
                readFile(modelDirectory.resolve(shard), manager, weights);
            }
        } else {
            throw new IllegalArgumentException(
                    modelDirectory + " has neither " + SINGLE_FILE + " nor " + SHARD_INDEX);
        }
        return weights;
    }

    /** The shard files that an index's {@code weight_map} names, each once, in name order. */
    public static TreeSet<String> shardFiles(Path index) {
        try {
            JsonNode weightMap = new ObjectMapper().readTree(index.toFile()).get("weight_map");
            if (weightMap == null || !weightMap.isObject()) {
                throw new IllegalArgumentException(index + " has no weight_map");
            }
            TreeSet<String> files = new TreeSet<>();
            for (Iterator<JsonNode> it = weightMap.elements(); it.hasNext(); ) {
                files.add(it.next().asText());
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + index, e);
        }
    }

    private static void readFile(Path file, NDManager manager, Map<String, NDArray> into) {
        SafetensorsReader.read(file, manager).forEach((name, array) -> {
            String canonical = canonicalName(name);
            array.setName(canonical);
            into.put(canonical, array);
        });
    }

    /** Old TF-converted BERT checkpoints call LayerNorm parameters gamma and beta. */
    static String canonicalName(String name) {
        if (name.endsWith(".gamma")) {
            return name.substring(0, name.length() - ".gamma".length()) + ".weight";
        }
        if (name.endsWith(".beta")) {
            return name.substring(0, name.length() - ".beta".length()) + ".bias";
        }
        return name;
    }
}
