package io.modelcat.ml.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.checkpoint.CheckpointReader;
import io.modelcat.ml.checkpoint.SafetensorsWriter;
import io.modelcat.ml.tokenize.TokenVocabulary;
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
            "special_tokens_map.json", "vocab.txt", "vocab.json", "merges.txt", "generation_config.json",
            "chat_template.jinja", "spiece.model", "source.spm", "target.spm");

    private static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelSaver() {}

    /**
     * Writes {@code config.json} (with id2label, label2id, num_labels and the task's architecture),
     * {@code model.safetensors} keyed by Hugging Face names, and the tokenizer files; a
     * {@code tokenizer_config.json} is written when the source had none (see {@link #writeTokenizerConfig}).
     * A model with a LoRA adapter is written as the adapter ({@link LoraAdapters#save}, the base named by its
     * folder) with the tokenizer files: {@link ModelLoader} reads that folder as the base with the adapter, and
     * {@code peft} as an adapter; {@link LoraAdapters#merge} first writes the whole model instead. An adapter of a
     * model with a task head (classification, tagging, question answering) gets the model's {@code config.json}
     * beside it, naming the head's class and its labels ({@code id2label}, {@code label2id}), which the base's
     * folder does not have; {@code peft} reads only its own two files.
     */
    public static void save(TransformerModel model, Path directory) {
        try {
            Files.createDirectories(directory);
            if (LoraAdapters.attached(model).isPresent()) {
                // Only the adapter is new: peft's two files, naming the base folder, which stays where it is.
                LoraAdapters.save(model, directory, model.sourceDirectory().toAbsolutePath().normalize().toString());
                if (model.task() != HeadType.CAUSAL_LM && model.task() != HeadType.MASKED_LM) {
                    // The head's labels and class live in no file of the base: the fine-tuned config.json beside
                    // the adapter (peft ignores it) is how ModelLoader rebuilds the model with them.
                    model.config().write(directory.resolve("config.json"));
                }
            } else {
                model.config().write(directory.resolve("config.json"));
                // Sorted keys, as transformers writes them, make the file stable across runs.
                Map<String, NDArray> sorted = new TreeMap<>(model.parameters());
                SafetensorsWriter.write(directory.resolve(CheckpointReader.SINGLE_FILE), sorted);
                removeShards(directory);
            }
            for (String name : COMPANION_FILES) {
                Path source = model.sourceDirectory().resolve(name);
                Path target = directory.resolve(name);
                if (Files.isRegularFile(source) && !Files.isSameFile(directory, model.sourceDirectory())) {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (!Files.isRegularFile(directory.resolve(TOKENIZER_CONFIG))) {
                writeTokenizerConfig(model, directory.resolve(TOKENIZER_CONFIG));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + directory, e);
        }
    }

    /**
     * Writes an encoder-decoder (after fine-tuning, say) as a Hugging Face folder: its {@code config.json},
     * {@code model.safetensors} keyed by transformers' names (tied copies left out, as transformers saves them) and the
     * source's tokenizer and generation config files.
     */
    public static void save(Seq2SeqModel model, Path directory) {
        try {
            Files.createDirectories(directory);
            model.config().write(directory.resolve("config.json"));
            SafetensorsWriter.write(directory.resolve(CheckpointReader.SINGLE_FILE), new TreeMap<>(model.parameters()));
            removeShards(directory);
            for (String name : COMPANION_FILES) {
                Path source = model.sourceDirectory().resolve(name);
                if (Files.isRegularFile(source) && !Files.isSameFile(directory, model.sourceDirectory())) {
                    Files.copy(source, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + directory, e);
        }
    }

    /**
     * A sharded checkpoint saved over (its own folder, say) keeps no index or shards beside the new single file:
     * both readers would prefer the single file, but the folder should hold one set of weights only.
     */
    private static void removeShards(Path directory) throws IOException {
        Path index = directory.resolve(CheckpointReader.SHARD_INDEX);
        if (!Files.isRegularFile(index)) {
            return;
        }
        Path folder = directory.toAbsolutePath().normalize();
        for (String shard : CheckpointReader.shardFiles(index)) {
            Path file = folder.resolve(shard).normalize();
            // Only files in the folder itself: an index is data, and may name anything.
            if (folder.equals(file.getParent())) {
                Files.deleteIfExists(file);
            }
        }
        Files.delete(index);
    }

    /**
     * Without a {@code tokenizer_config.json} naming a class, {@code transformers} 5 rebuilds the tokenizer
     * from the model type's own class and its vocabulary alone, ignoring {@code tokenizer.json}'s template and
     * pre-tokenizer (a BERT pair gets {@code [CLS] A [SEP] B [SEP]} whatever the file says). Naming the generic
     * fast tokenizer makes {@code AutoTokenizer} use {@code tokenizer.json} exactly as the engine does.
     */
    private static void writeTokenizerConfig(TransformerModel model, Path file) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("model_max_length", model.maxSequenceLength());
        TokenVocabulary vocabulary = TokenVocabulary.read(model.tokenizer().tokenizerFile());
        model.config().optionalLong("pad_token_id").flatMap(vocabulary::tokenOf)
                .ifPresent(token -> config.put("pad_token", token));
        vocabulary.firstIdOf("[MASK]", "<mask>").stream().boxed().filter(vocabulary.specialIds()::contains)
                .findFirst().flatMap(vocabulary::tokenOf).ifPresent(token -> config.put("mask_token", token));
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), config);
    }
}
