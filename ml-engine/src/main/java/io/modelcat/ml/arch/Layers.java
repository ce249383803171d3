package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import java.util.function.UnaryOperator;

/**
 * Transformer building blocks on DJL primitives, each reading its parameters by Hugging Face name.
 *
 * <p>Every operation puts the per-batch array first so that results land in the batch's manager
 * and not in the long-lived manager that holds the weights.
 */
final class Layers {

    private final Weights weights;
    private final ScalarConstants constants;
    private volatile LoraSpec lora;
    // Whether the forward pass running on this thread trains: LoRA's dropout applies only then.
    private final ThreadLocal<Boolean> training = ThreadLocal.withInitial(() -> false);

    Layers(Weights weights, ScalarConstants constants) {
        this.weights = weights;
        this.constants = constants;
    }

    /** From now on, every linear layer that {@code spec} targets adds its LoRA update; null removes them. */
    void adapt(LoraSpec spec) {
        this.lora = spec;
    }

    LoraSpec lora() {
        return lora;
    }

    /** Runs a forward pass on this thread, telling the layers whether it trains. */
    <T> T forward(boolean trains, java.util.function.Supplier<T> pass) {
        boolean outer = training.get();
        training.set(trains);
        try {
            return pass.get();
        } finally {
            training.set(outer);
        }
    }

    /**
     * Runs one block of the network (a transformer layer) in a manager of its own, so that the
     * block's intermediate arrays are released when it ends instead of when the whole batch is
     * closed; only {@code block}'s result moves on to the input's manager. Autograd keeps its own
     * references to what backward needs, so releasing DJL's handles frees only what PyTorch would
     * also have freed by then. Without this every intermediate of every layer stays allocated until
     * the batch ends, and the allocator hands each step fresh, page-faulted memory: on a 2-core CPU
     * a BERT-base training step at batch 32 spent seconds in the kernel zeroing pages.
     */
    static NDArray scoped(NDArray input, UnaryOperator<NDArray> block) {
        NDManager outer = input.getManager();
        try (NDManager scope = outer.newSubManager()) {
            // Results land in the manager of their first operand, which is now the scope.
            input.tempAttach(scope);
            NDArray output = block.apply(input);
            if (output != input) {
                output.attach(outer);
            }
            return output;
        }
    }

    /** {@code nn.Linear}: weight shape (out, in); with its LoRA update when the layer is adapted. */
    NDArray linear(NDArray input, String prefix) {
        return adapted(input, prefix, affine(input, weights.get(prefix + ".weight"), weights.get(prefix + ".bias")));
    }

    /**
     * {@code input W^T + bias} over the last axis as one fused product-and-bias kernel (addmm), as transformers'
     * layers run it: the input is seen as a matrix of rows (a view when it is contiguous). Given more than two
     * axes, libtorch's linear as DJL calls it ran a product and then added the bias in a second pass over the output.
     */
    private static NDArray affine(NDArray input, NDArray weight, NDArray bias) {
        Shape shape = input.getShape();
        int axes = shape.dimension();
        if (axes == 2) {
            return Linear.linear(input, weight, bias).singletonOrThrow();
        }
        NDArray rows = Linear.linear(input.reshape(-1, shape.get(axes - 1)), weight, bias).singletonOrThrow();
        return rows.reshape(shape.slice(0, axes - 1).add(weight.getShape().get(0)));
    }

    /** {@code nn.Linear} without a bias (Llama's projections); with its LoRA update when the layer is adapted. */
    NDArray linearNoBias(NDArray input, String prefix) {
        return adapted(input, prefix, Linear.linear(input, weights.get(prefix + ".weight")).singletonOrThrow());
    }

    /** {@code nn.Linear} with or without its bias (Llama-family projections mostly have none). */
    NDArray linear(NDArray input, String prefix, boolean withBias) {
        return withBias ? linear(input, prefix) : linearNoBias(input, prefix);
    }

    /**
     * RMSNorm as the Llama family's ({@code LlamaRMSNorm}): each vector along the last axis divided by the root of
     * its mean square plus {@code epsilon}, then scaled by the weight; computed in float32 (the engine's only
     * floating type), as transformers does whatever the model's precision.
     */
    NDArray rmsNorm(NDArray input, String weight, float epsilon) {
        NDArray meanSquare = input.mul(input).mean(new int[] {-1}, true);
        // Times the inverse root, as transformers' rsqrt: one number per vector, and a product over the
        // vectors where a quotient is slower (forward and backward).
        NDArray inverseRoot = meanSquare.add(constants.of(epsilon)).pow(constants.of(-0.5f));
        return input.mul(inverseRoot).mul(weights.get(weight));
    }

    /**
     * GPT-2's {@code Conv1D}: weight shape (in, out), the transpose of {@code nn.Linear}; with its LoRA update
     * when the layer is adapted (A and B are shaped as for a linear layer, as {@code peft}'s fan_in_fan_out has them).
     */
    NDArray conv1d(NDArray input, String prefix) {
        // nn.Linear over the weight seen transposed (a view), so the product and the bias are one fused
        // kernel on the weight as it lies, as transformers' Conv1D runs them (addmm).
        NDArray weight = weights.get(prefix + ".weight").transpose(1, 0);
        return adapted(input, prefix, affine(input, weight, weights.get(prefix + ".bias")));
    }

    /** {@code output + scale * B(A(dropout(input)))}, in {@code peft}'s order, when the layer is adapted. */
    private NDArray adapted(NDArray input, String prefix, NDArray output) {
        LoraSpec spec = lora;
        if (spec == null || !spec.targets(prefix)) {
            return output;
        }
        NDArray x = dropout(input, (float) spec.dropout(), training.get());
        NDArray down = Linear.linear(x, weights.get(prefix + LoraSpec.A)).singletonOrThrow();
        NDArray up = Linear.linear(down, weights.get(prefix + LoraSpec.B)).singletonOrThrow();
        return output.add(up.mul(constants.of((float) spec.scale())));
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
        if (!weights.get(table).hasGradient()) {
            // No gradient is recorded for the table (inference): there is no path to cut, so no masks either.
            return rows;
        }
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

    /**
     * Dropout as {@code torch.nn.functional.dropout}: each element is zeroed with probability
     * {@code rate} and the others are divided by 1 - rate. On a CPU the mask is uniform numbers
     * below 1 - rate: libtorch 2.7.1's {@code at::dropout} draws its Bernoulli mask in one serial
     * loop that took twice as long as torch 2.11's (19.7 ms against 10.6 ms for BERT-base attention
     * probabilities at batch 8, on two cores), while uniform numbers take a quarter of that and the
     * comparison and scaling run on all cores. On a GPU {@code at::dropout} is one fused kernel.
     */
    NDArray dropout(NDArray input, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return input;
        }
        if (input.getDevice().isGpu() || rate >= 1f) {
            return Dropout.dropout(input, rate, true).singletonOrThrow();
        }
        NDArray keep = constants.of(1f - rate);
        NDArray scaledMask;
        // Neither the uniform numbers nor the comparison is part of the autograd graph: freed at once.
        try (NDArray uniform = input.getManager().randomUniform(0f, 1f, input.getShape());
                NDArray kept = uniform.lt(keep)) {
            scaledMask = kept.toType(DataType.FLOAT32, false).divi(keep);
        }
        return input.mul(scaledMask);
    }

    NDArray activation(NDArray input, String name) {
        return switch (name) {
            case "gelu" -> Activation.gelu(input);
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> tanhGelu(input);
            case "relu" -> Activation.relu(input);
            case "tanh" -> Activation.tanh(input);
            // x * sigmoid(x) without Activation.swish, which multiplies by a Java number (the autograd GC bug).
            case "silu", "swish" -> input.mul(Activation.sigmoid(input));
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
     * number for masked ones; null when every key is visible), softmax and attention-probability dropout.
     * Grouped-query attention when {@code key} and {@code value} have fewer heads than {@code query}: each of
     * their heads serves {@code heads / keyValueHeads} query heads in a row, as transformers' {@code repeat_kv}
     * has it, without repeating them (see {@link #groupedAttention}).
     */
    NDArray attention(NDArray query, NDArray key, NDArray value, NDArray bias, float dropoutRate,
            boolean training) {
        float scale = (float) (1.0 / Math.sqrt(query.getShape().get(3)));
        long groups = query.getShape().get(1) / key.getShape().get(1);
        if (groups > 1) {
            return groupedAttention(query, key, value, bias, scale, groups, dropoutRate, training);
        }
        // Scaling the queries rather than the scores touches half as many numbers at sequence 128
        // (seq x head size against seq x seq per head). For a head size that is a power of 4, as
        // BERT-base's 64, the scale is a power of 2 and both orders give the same bits.
        NDArray scores = query.mul(constants.of(scale)).matMul(key.transpose(0, 1, 3, 2));
        if (bias != null) {
            scores = scores.add(bias);
        }
        NDArray probabilities = dropout(scores.softmax(-1), dropoutRate, training);
        return probabilities.matMul(value);
    }

    /**
     * Attention of {@code groups} query heads per key/value head. The query heads of one key/value head are
     * stacked along the sequence (batch, key/value heads, groups x queries, head size), so that one batched
     * product per key/value head serves them all: the keys and values (with a cache, the whole context) are
     * read where they are, not repeated once per query head, which would copy the context {@code groups}
     * times per layer and token. The bias (batch or 1, 1, queries, keys) is added to the scores seen as
     * (batch, key/value heads, groups, queries, keys), a view.
     */
    private NDArray groupedAttention(NDArray query, NDArray key, NDArray value, NDArray bias, float scale,
            long groups, float dropoutRate, boolean training) {
        Shape shape = query.getShape();
        long batch = shape.get(0);
        long heads = shape.get(1);
        long queries = shape.get(2);
        long keyValueHeads = heads / groups;
        NDArray stacked = query.mul(constants.of(scale)).reshape(batch, keyValueHeads, groups * queries, shape.get(3));
        NDArray scores = stacked.matMul(key.transpose(0, 1, 3, 2));
        if (bias != null) {
            long keys = scores.getShape().get(3);
            scores = scores.reshape(batch, keyValueHeads, groups, queries, keys).add(bias.expandDims(1))
                    .reshape(batch, keyValueHeads, groups * queries, keys);
        }
        NDArray probabilities = dropout(scores.softmax(-1), dropoutRate, training);
        return probabilities.matMul(value).reshape(shape);
    }

    /**
     * Inference attention (no dropout) with the scores scaled by {@code scale}: T5 does not scale them (1), BART by
     * the head size's inverse root.
     */
    NDArray attention(NDArray query, NDArray key, NDArray value, NDArray bias, float scale) {
        NDArray scaled = scale == 1f ? query : query.mul(constants.of(scale));
        NDArray scores = scaled.matMul(key.transpose(0, 1, 3, 2));
        if (bias != null) {
            scores = scores.add(bias);
        }
        return scores.softmax(-1).matMul(value);
    }

    boolean has(String name) {
        return weights.contains(name);
    }

    NDArray weight(String name) {
        return weights.get(name);
    }

    ScalarConstants constants() {
        return constants;
    }
}
