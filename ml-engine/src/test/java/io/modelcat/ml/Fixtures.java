package io.modelcat.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's tiny Hugging Face fixtures (see {@code reference/generate_fixtures.py}) and their reference outputs. */
public final class Fixtures {

    private Fixtures() {}

    public static Path root() {
        return io.modelcat.testsupport.Fixtures.hfTiny();
    }

    public static Path bert() {
        return requireDirectory(root().resolve("bert"));
    }

    public static Path distilbert() {
        return requireDirectory(root().resolve("distilbert"));
    }

    public static Path gpt2() {
        return requireDirectory(root().resolve("gpt2"));
    }

    /**
     * A copy of the tiny BERT in {@code directory} whose tokenizer has BERT's real pair template,
     * {@code [CLS] A [SEP] B:1 [SEP]:1} (the fixture's own pair template has no special tokens).
     */
    public static Path bertWithPairTemplate(Path directory) {
        try {
            Files.createDirectories(directory);
            for (String file : new String[] {"config.json", "model.safetensors"}) {
                Files.copy(bert().resolve(file), directory.resolve(file));
            }
            ObjectMapper json = new ObjectMapper();
            ObjectNode tokenizer = (ObjectNode) json.readTree(bert().resolve("tokenizer.json").toFile());
            ArrayNode pair = ((ObjectNode) tokenizer.get("post_processor")).putArray("pair");
            pair.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
            pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
            pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
            pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 1);
            json.writeValue(directory.resolve("tokenizer.json").toFile(), tokenizer);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One tiny model by its fixture name, e.g. {@code roberta-masked-lm}. */
    public static Path model(String name) {
        return requireDirectory(root().resolve(name));
    }

    /** What transformers computed for the tiny models. */
    public static ReferenceOutputs referenceOutputs() {
        return ReferenceOutputs.read(root().resolve("reference-outputs.json"));
    }

    /**
     * What transformers computed for the tiny encoder-decoders (t5-v1_0, t5-v1_1, bart): teacher-forced logits and the
     * ids of greedy and beam searches ({@code seq2seq-reference-outputs.json}).
     */
    public static com.fasterxml.jackson.databind.JsonNode seq2seqReference(String name) {
        Path file = root().resolve("seq2seq-reference-outputs.json");
        try {
            com.fasterxml.jackson.databind.JsonNode model = new ObjectMapper().readTree(file.toFile()).get("models")
                    .get(name);
            if (model == null) {
                throw new IllegalArgumentException("no encoder-decoder reference outputs for " + name);
            }
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * What transformers' tokenizer gives with the encoder-decoders' tokenizers (t5-v1_0, t5-v1_1: Unigram; bart:
     * byte-level BPE): ids, pieces and decodes of a few texts, and for t5-v1_0 texts generated end to end
     * ({@code seq2seq-tokenizers.json}).
     */
    public static com.fasterxml.jackson.databind.JsonNode seq2seqTokenizers(String name) {
        Path file = root().resolve("seq2seq-tokenizers.json");
        try {
            com.fasterxml.jackson.databind.JsonNode model = new ObjectMapper().readTree(file.toFile()).get("models")
                    .get(name);
            if (model == null) {
                throw new IllegalArgumentException("no encoder-decoder tokenizer reference for " + name);
            }
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * What transformers' {@code MarianTokenizer} gives with the tiny Marian's {@code source.spm}, {@code target.spm} and
     * {@code vocab.json}: pieces and ids of sources and targets, decodes, and the model's translations of two texts
     * ({@code marian-tokenizer.json}).
     */
    public static com.fasterxml.jackson.databind.JsonNode marianTokenizer() {
        Path file = root().resolve("marian-tokenizer.json");
        try {
            return new ObjectMapper().readTree(file.toFile()).get("marian");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * {@code fixtures/metrics/reference-metrics.json}, the metric values that Python's reference
     * libraries computed ({@code reference/metrics_reference.py}).
     */
    public static Path metricsReference() {
        return io.modelcat.testsupport.Fixtures.file("metrics/reference-metrics.json");
    }

    /** {@code fixtures/lora/gpt2-lora}: a LoRA adapter that {@code peft} made for the tiny GPT-2 ({@code reference/lora_reference.py}). */
    public static Path loraAdapter() {
        return requireDirectory(io.modelcat.testsupport.Fixtures.file("lora/gpt2-lora"));
    }

    /** What {@code peft} computed with {@link #loraAdapter()}: logits, a training step, the merged model's logits. */
    public static ReferenceOutputs loraReference() {
        return ReferenceOutputs.read(io.modelcat.testsupport.Fixtures.file("lora/reference-outputs.json"));
    }

    /** The first sentence of every single-text fixture's inputs, the one the original fixtures were made for. */
    public static final String REFERENCE_SENTENCE = "the cat sat on the mat.";

    private static Path requireDirectory(Path path) {
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("fixture directory missing: " + path);
        }
        return path;
    }
}
