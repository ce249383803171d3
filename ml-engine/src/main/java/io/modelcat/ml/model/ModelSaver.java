package io.modelcat.ml.model;

import ai.djl.ndarray.NDArray;
import io.modelcat.ml.checkpoint.CheckpointReader;
import io.modelcat.ml.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes a model as a Hugging Face directory that {@code transformers} and {@link ModelLoader} read. */
public final class ModelSaver {

    /** Tokenizer and generation files copied alongside when the source directory has them. */
    private static final List<String> COMPANION_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "vocab.txt", "vocab.json", "merges.txt", "generation_config.json");

    private ModelSaver() {}

    /**
     * Writes {@code config.json} (with id2label, label2id, num_labels and the task's architecture),
     * {@code model.safetensors} keyed by Hugging Face names, and the tokenizer files.
     */
    public static void save(TransformerModel model, Path directory) {
        try {
            Files.createDirectories(directory);
            model.config().write(directory.resolve("config.json"));
            // Sorted keys, as transformers writes them, make the file stable across runs.
            Map<String, NDArray> sorted = new TreeMap<>(model.parameters());
            SafetensorsWriter.write(directory.resolve(CheckpointReader.SINGLE_FILE), sorted);
            for (String name : COMPANION_FILES) {
                Path source = model.sourceDirectory().resolve(name);
                Path target = directory.resolve(name);
                if (Files.isRegularFile(source) && !Files.isSameFile(directory, model.sourceDirectory())) {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + directory, e);
        }
    }
}
