package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;

/**
 * Transformer building blocks on DJL primitives, each reading its parameters by Hugging Face name.
 *
 * <p>Every operation puts the per-batch array first so that results land in the batch's manager
 * and not in the long-lived manager that holds the weights.
 */
final class Layers {

    private final Weights weights;
    private final ScalarConstants constants;

    Layers(Weights weights, ScalarConstants constants) {
        this.weights = weights;
        this.constants = constants;
    }

    /** {@code nn.Linear}: weight shape (out, in). */
    NDArray linear(NDArray input, String prefix) {
        return Linear.linear(input, weights.get(prefix + ".weight"), weights.get(prefix + ".bias"))
                .singletonOrThrow();
    }

    /** GPT-2's {@code Conv1D}: weight shape (in, out), the transpose of {@code nn.Linear}. */
    NDArray conv1d(NDArray input, String prefix) {
        return input.matMul(weights.get(prefix + ".weight")).add(weights.get(prefix + ".bias"));
    }

    /** {@code nn.Embedding}: the rows of {@code table} that {@code ids} (int64) name. */
    NDArray embedding(NDArray ids, String table) {
        return Embedding.embedding(ids, weights.get(table), SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * {@code nn.Embedding(padding_idx=...)}: the same rows, but the padding row never gets a gradient,
     * so training leaves it as it was (a question-answering loss, say, reaches padded positions).
     */
    NDArray embedding(NDArray ids, String table, long paddingIndex) {
        NDArray rows = embedding(ids, table);
        // x * 1 + x * 0 is x exactly: the values are unchanged, only the padding rows' gradient path is cut.
        NDArray padding = ids.eq(constants.of(paddingIndex)).toType(DataType.FLOAT32, false).expandDims(-1);
        NDArray real = ids.neq(constants.of(paddingIndex)).toType(DataType.FLOAT32, false).expandDims(-1);
        return rows.mul(real).add(rows.stopGradient().mul(padding));
    }

    NDArray layerNorm(NDArray input, String prefix, float epsilon) {
        Shape normalized = new Shape(input.getShape().get(input.getShape().dimension() - 1));
        return LayerNorm.layerNorm(input, normalized, weights.get(prefix + ".weight"),
                        weights.get(prefix + ".bias"), epsilon)
                .singletonOrThrow();
    }

    static NDArray dropout(NDArray input, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return input;
        }
        return Dropout.dropout(input, rate, true).singletonOrThrow();
    }

    NDArray activation(NDArray input, String name) {
        return switch (name) {
            case "gelu" -> Activation.gelu(input);
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> tanhGelu(input);
            case "relu" -> Activation.relu(input);
            case "tanh" -> Activation.tanh(input);
            default -> throw new IllegalArgumentException("unsupported activation " + name);
        };
    }

    /** The tanh approximation of GELU that GPT-2 calls gelu_new. */
    private NDArray tanhGelu(NDArray x) {
        NDArray cubic = x.mul(x).mul(x).mul(constants.of(0.044715f));
        NDArray inner = x.add(cubic).mul(constants.of((float) Math.sqrt(2.0 / Math.PI)));
        return x.mul(constants.of(0.5f)).mul(inner.tanh().add(constants.of(1f)));
    }

    /** (batch, seq, heads*size) to (batch, heads, seq, size). */
    static NDArray splitHeads(NDArray input, int heads) {
        Shape shape = input.getShape();
        long batch = shape.get(0);
        long sequence = shape.get(1);
        return input.reshape(batch, sequence, heads, shape.get(2) / heads).transpose(0, 2, 1, 3);
    }

    /** (batch, heads, seq, size) back to (batch, seq, heads*size). */
    static NDArray mergeHeads(NDArray input) {
        Shape shape = input.getShape();
        return input.transpose(0, 2, 1, 3).reshape(shape.get(0), shape.get(2), shape.get(1) * shape.get(3));
    }

    /**
     * Scaled dot-product attention with an additive bias (0 for visible keys, a large negative
     * number for masked ones), softmax and attention-probability dropout.
     */
    NDArray attention(NDArray query, NDArray key, NDArray value, NDArray bias, float dropoutRate,
            boolean training) {
        float scale = (float) (1.0 / Math.sqrt(query.getShape().get(3)));
        NDArray scores = query.matMul(key.transpose(0, 1, 3, 2)).mul(constants.of(scale)).add(bias);
        NDArray probabilities = dropout(scores.softmax(-1), dropoutRate, training);
        return probabilities.matMul(value);
    }

    NDArray weight(String name) {
        return weights.get(name);
    }

    ScalarConstants constants() {
        return constants;
    }
}
