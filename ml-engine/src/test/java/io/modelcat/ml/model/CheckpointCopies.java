package io.modelcat.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.checkpoint.CheckpointReader;
import io.modelcat.ml.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** Builds variants of a fixture checkpoint in a temporary directory: renamed, re-laid-out, sharded. */
final class CheckpointCopies {

    private CheckpointCopies() {}

    /** Copies config and tokenizer, and rewrites the weights through {@code edit}. */
    static void copyWithWeights(Path source, Path target, NDManager manager,
            BiConsumer<Map<String, NDArray>, Map<String, NDArray>> edit) {
        try {
            Files.createDirectories(target);
            Files.copy(source.resolve("config.json"), target.resolve("config.json"));
            Files.copy(source.resolve("tokenizer.json"), target.resolve("tokenizer.json"));
            Map<String, NDArray> original = CheckpointReader.read(source, manager);
            Map<String, NDArray> edited = new LinkedHashMap<>();
            edit.accept(original, edited);
            SafetensorsWriter.write(target.resolve("model.safetensors"), edited);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
