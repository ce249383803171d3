package io.modelcat.runner.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.testsupport.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tiny T5 of the fixtures (with its Unigram tokenizer) copied with T5's {@code task_specific_params} prefixes, and
 * optionally the {@code generation_config.json} of the reference's "beam3" search, beside what transformers generated
 * for the reference's texts ({@code seq2seq-tokenizers.json}).
 */
public final class TinyT5 {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyT5() {
    }

    /** One reference text: its task prefix, the text, and the text transformers generated for prefix + text. */
    public record Reference(String prefix, String text, String generated) {
    }

    /**
     * Copies the model into {@code directory}, its config.json with prefixes for summarization and translation from
     * English to German and to French; with {@code beams}, a generation config asking for 3 beams, no repeated bigram
     * and 10 new tokens.
     */
    public static Path copy(Path directory, boolean beams) {
        Path source = Fixtures.model("t5-v1_0");
        try {
            Files.createDirectories(directory);
            for (String file : new String[] {"model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
                Files.copy(source.resolve(file), directory.resolve(file));
            }
            ObjectNode config = (ObjectNode) JSON.readTree(source.resolve("config.json").toFile());
            ObjectNode params = config.putObject("task_specific_params");
            params.putObject("summarization").put("prefix", "summarize: ").put("num_beams", 4);
            params.putObject("translation_en_to_de").put("prefix", "translate English to German: ");
            params.putObject("translation_en_to_fr").put("prefix", "translate English to French: ");
            JSON.writeValue(directory.resolve("config.json").toFile(), config);
            if (beams) {
                ObjectNode generation = JSON.createObjectNode().put("decoder_start_token_id", 0).put("eos_token_id", 1)
                        .put("pad_token_id", 0).put("num_beams", 3).put("no_repeat_ngram_size", 2)
                        .put("max_new_tokens", 10);
                JSON.writeValue(directory.resolve("generation_config.json").toFile(), generation);
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What transformers generated for the reference's texts with {@code search} ("defaults" or "beam3"). */
    public static List<Reference> references(String search) {
        try {
            JsonNode rows = JSON.readTree(Fixtures.hfTiny().resolve("seq2seq-tokenizers.json").toFile())
                    .get("models").get("t5-v1_0").get("pipeline");
            List<Reference> references = new ArrayList<>();
            for (JsonNode row : rows) {
                references.add(new Reference(row.get("prefix").asText(), row.get("text").asText(),
                        row.get("searches").get(search).get("generated_text").asText()));
            }
            return references;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The references of one task prefix. */
    public static List<Reference> references(String search, String prefix) {
        return references(search).stream().filter(reference -> reference.prefix().equals(prefix)).toList();
    }
}
