package io.modelcat.ml;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code hf-tiny/reference-outputs.json}, written by {@code reference/generate_fixtures.py}: per tiny
 * model, its inputs and what {@code transformers} computed for them in eval mode.
 */
public final class ReferenceOutputs {

    private final JsonNode root;

    private ReferenceOutputs(JsonNode root) {
        this.root = root;
    }

    static ReferenceOutputs read(Path file) {
        try {
            return new ReferenceOutputs(new ObjectMapper().readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The fixture names, e.g. {@code bert}, {@code roberta-masked-lm}. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        root.get("models").fieldNames().forEachRemaining(names::add);
        return names;
    }

    public Model model(String name) {
        JsonNode model = root.get("models").get(name);
        if (model == null) {
            throw new IllegalArgumentException("no reference outputs for " + name + "; have " + names());
        }
        return new Model(name, model);
    }

    /** Library versions that computed the outputs. */
    public JsonNode generator() {
        return root.get("generator");
    }

    /** A tensor as row-major values with its shape. */
    public record Tensor(long[] shape, float[] values) {

        public Shape djlShape() {
            return new Shape(shape);
        }

        /** The values of {@code row} along the first axis. */
        public float[] row(int row) {
            int size = values.length / (int) shape[0];
            return Arrays.copyOfRange(values, row * size, (row + 1) * size);
        }

        static Tensor of(JsonNode node) {
            return new Tensor(longs(node.get("shape")), floats(node.get("values")));
        }
    }

    /** One training step in eval mode: targets aligned with the logits (-100 = ignored), loss and gradient norm. */
    public record TrainStep(JsonNode targets, double loss, double gradNorm) {}

    /** A greedy generation from {@code promptIds}. */
    public record Greedy(long[] promptIds, int maxNewTokens, long[] generatedIds) {}

    /**
     * A greedy generation of a batch padded on the left: the padded ids and mask transformers generated from, and
     * each row's new ids (a row that ended at {@code eosTokenId} early is filled with pad ids after it).
     */
    public record GreedyBatch(long[][] inputIds, long[][] attentionMask, int maxNewTokens, long eosTokenId,
            long[][] generatedIds) {

        /** Row {@code row}'s prompt without its left padding. */
        public long[] promptIds(int row) {
            int padding = (int) (attentionMask[row].length - Arrays.stream(attentionMask[row]).sum());
            return Arrays.copyOfRange(inputIds[row], padding, inputIds[row].length);
        }

        /** Row {@code row}'s new ids up to and including its first end-of-sequence id, as the engine reports them. */
        public long[] generatedUntilEos(int row) {
            long[] ids = generatedIds[row];
            for (int index = 0; index < ids.length; index++) {
                if (ids[index] == eosTokenId) {
                    return Arrays.copyOf(ids, index + 1);
                }
            }
            return ids.clone();
        }
    }

    /** One fixture's inputs and outputs. */
    public record Model(String name, JsonNode node) {

        /** The {@code transformers} class, e.g. {@code BertForMaskedLM}. */
        public String className() {
            return node.get("class").asText();
        }

        /** The single texts of the batch, or empty when the inputs are pairs. */
        public List<String> texts() {
            return node.get("inputs").has("texts") ? strings(node.get("inputs").get("texts")) : List.of();
        }

        /** The (question, context) pairs of the batch, or empty when the inputs are single texts. */
        public List<List<String>> pairs() {
            List<List<String>> pairs = new ArrayList<>();
            if (node.get("inputs").has("pairs")) {
                node.get("inputs").get("pairs").forEach(pair -> pairs.add(strings(pair)));
            }
            return pairs;
        }

        public long[][] inputIds() {
            return matrix(node.get("inputs").get("input_ids"));
        }

        public long[][] attentionMask() {
            return matrix(node.get("inputs").get("attention_mask"));
        }

        public long[][] tokenTypeIds() {
            return matrix(node.get("inputs").get("token_type_ids"));
        }

        /** Row {@code row}'s token ids without padding. */
        public long[] ids(int row) {
            long length = Arrays.stream(attentionMask()[row]).sum();
            return Arrays.copyOf(inputIds()[row], (int) length);
        }

        /** The batch as the engine's network takes it: ids, mask and, when given, token types. */
        public NDList inputs(NDManager manager, boolean withTokenTypes) {
            NDList list = new NDList(manager.create(inputIds()), manager.create(attentionMask()));
            if (withTokenTypes) {
                list.add(manager.create(tokenTypeIds()));
            }
            return list;
        }

        public Tensor logits() {
            return Tensor.of(node.get("logits"));
        }

        public Tensor lastHiddenState() {
            return Tensor.of(node.get("last_hidden_state"));
        }

        public TrainStep trainStep() {
            JsonNode step = node.get("train_step");
            return new TrainStep(step.get("targets"), step.get("loss").asDouble(), step.get("grad_norm").asDouble());
        }

        public Optional<GreedyBatch> greedyBatch() {
            JsonNode batch = node.get("greedy_batch");
            return batch == null ? Optional.empty() : Optional.of(new GreedyBatch(matrix(batch.get("input_ids")),
                    matrix(batch.get("attention_mask")), batch.get("max_new_tokens").asInt(),
                    batch.get("eos_token_id").asLong(), matrix(batch.get("generated_ids"))));
        }

        public Optional<Greedy> greedy() {
            JsonNode greedy = node.get("greedy");
            return greedy == null ? Optional.empty() : Optional.of(new Greedy(longs(greedy.get("prompt_ids")),
                    greedy.get("max_new_tokens").asInt(), longs(greedy.get("generated_ids"))));
        }
    }

    /** A JSON array of numbers as floats. */
    public static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int index = 0; index < values.length; index++) {
            values[index] = (float) array.get(index).asDouble();
        }
        return values;
    }

    /** A JSON array of whole numbers as longs. */
    public static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int index = 0; index < values.length; index++) {
            values[index] = array.get(index).asLong();
        }
        return values;
    }

    private static long[][] matrix(JsonNode rows) {
        long[][] matrix = new long[rows.size()][];
        for (int row = 0; row < matrix.length; row++) {
            matrix[row] = longs(rows.get(row));
        }
        return matrix;
    }

    /** A JSON array of strings as a list. */
    public static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
