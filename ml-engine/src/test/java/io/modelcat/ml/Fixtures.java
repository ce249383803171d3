package io.modelcat.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared tiny Hugging Face fixtures and their reference outputs. */
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

    /** {@code reference-outputs.json}: ids and logits that transformers computed. */
    public static JsonNode referenceOutputs() {
        try {
            return new ObjectMapper().readTree(root().resolve("reference-outputs.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code fixtures/metrics/reference-metrics.json}, the metric values that Python's reference
     * libraries computed ({@code reference/metrics_reference.py}): found in the first directory,
     * from the working directory upwards, that holds it, so the tests run from the module or the
     * repository root alike.
     */
    public static Path metricsReference() {
        Path relative = Path.of("fixtures", "metrics", "reference-metrics.json");
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            Path candidate = directory.resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(relative + " not found in " + Path.of("").toAbsolutePath()
                + " or any directory above it");
    }

    /** The sentence the reference outputs were computed for. */
    public static final String REFERENCE_SENTENCE = "the cat sat on the mat.";

    public static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int index = 0; index < values.length; index++) {
            values[index] = (float) array.get(index).asDouble();
        }
        return values;
    }

    public static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int index = 0; index < values.length; index++) {
            values[index] = array.get(index).asLong();
        }
        return values;
    }

    private static Path requireDirectory(Path path) {
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("fixture directory missing: " + path);
        }
        return path;
    }
}
