package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.checkpoint.HfConfig;

/**
 * Hugging Face {@code T5ForConditionalGeneration}, v1.0 and v1.1 / flan-T5: pre-norm blocks with T5's RMS layer norm
 * (no mean subtraction, no bias), bias-free projections, attention without the 1/sqrt(d) scale whose scores get a
 * learned bias per relative-position bucket (held by each stack's first layer, bidirectional in the encoder, causal in
 * the decoder, shared by the stack's layers), a ReLU or gated-GELU feed-forward, and a head that is the shared
 * embedding (after rescaling the decoder output by d_model^-0.5) or, in v1.1 checkpoints, {@code lm_head.weight}.
 */
final class T5EncoderDecoder implements EncoderDecoderBody {

    private final Layers layers;
    private final int encoderLayers;
    private final int decoderLayers;
    private final int heads;
    private final int buckets;
    private final int maxDistance;
    private final float epsilon;
    private final boolean gated;
    private final String activation;
    private final boolean scaleDecoderOutput;
    private final float outputScale;
    private final String embeddings;
    private final String head;

    T5EncoderDecoder(HfConfig config, Layers layers) {
        this.layers = layers;
        this.encoderLayers = config.requiredInt("num_layers");
        this.decoderLayers = config.intValue("num_decoder_layers", encoderLayers);
        this.heads = config.requiredInt("num_heads");
        this.buckets = config.intValue("relative_attention_num_buckets", 32);
        this.maxDistance = config.intValue("relative_attention_max_distance", 128);
        this.epsilon = (float) config.doubleValue("layer_norm_epsilon", 1e-6);
        String feedForward = config.text("feed_forward_proj").orElse("relu");
        String[] parts = feedForward.split("-");
        if (parts.length > 2 || (parts.length == 2 && !parts[0].equals("gated"))) {
            throw new IllegalArgumentException("unsupported feed_forward_proj " + feedForward);
        }
        this.gated = parts.length == 2;
        // transformers maps gated-gelu to the tanh approximation, for the checkpoints of T5 v1.1.
        this.activation = feedForward.equals("gated-gelu") ? "gelu_new" : parts[parts.length - 1];
        // transformers 5 writes scale_decoder_outputs; older configs say the same with tie_word_embeddings.
        this.scaleDecoderOutput = config.has("scale_decoder_outputs")
                ? config.booleanValue("scale_decoder_outputs", true)
                : config.booleanValue("tie_word_embeddings", true);
        this.outputScale = (float) Math.pow(config.requiredInt("d_model"), -0.5);
        this.embeddings = layers.has("shared.weight") ? "shared.weight" : "encoder.embed_tokens.weight";
        this.head = layers.has("lm_head.weight") ? "lm_head.weight" : embeddings;
    }

    @Override
    public int decoderLayers() {
        return decoderLayers;
    }

    @Override
    public NDArray encode(NDArray ids, NDArray attentionMask) {
        int length = (int) ids.getShape().get(1);
        NDArray bias = positionBias(ids.getManager(), "encoder", true, length, length, 0);
        NDArray padding = AttentionMasks.padding(attentionMask, layers.constants()).orElse(null);
        NDArray fullBias = padding == null ? bias : bias.add(padding);
        NDArray hidden = layers.embedding(ids, embeddings);
        for (int layer = 0; layer < encoderLayers; layer++) {
            String block = "encoder.block." + layer;
            hidden = Layers.scoped(hidden, input -> {
                NDArray normalized = layers.rmsNorm(input, block + ".layer.0.layer_norm.weight", epsilon);
                String attention = block + ".layer.0.SelfAttention";
                NDArray attended = attend(attention, normalized, project(normalized, attention + ".k"),
                        project(normalized, attention + ".v"), fullBias);
                NDArray afterAttention = input.add(attended);
                return afterAttention.add(feedForward(
                        layers.rmsNorm(afterAttention, block + ".layer.1.layer_norm.weight", epsilon),
                        block + ".layer.1.DenseReluDense"));
            });
        }
        return layers.rmsNorm(hidden, "encoder.final_layer_norm.weight", epsilon);
    }

    @Override
    public NDArray decode(NDArray ids, NDArray encoderHidden, NDArray encoderMask, EncoderDecoderCache cache) {
        int cached = cache == null ? 0 : cache.length();
        int queries = (int) ids.getShape().get(1);
        NDArray selfBias = positionBias(ids.getManager(), "decoder", false, queries, cached + queries, cached);
        if (queries > 1) {
            selfBias = selfBias.add(AttentionMasks.causal(ids, queries, cached));
        }
        NDArray fixedSelfBias = selfBias;
        NDArray crossBias = AttentionMasks.padding(encoderMask, layers.constants()).orElse(null);
        NDArray hidden = layers.embedding(ids, embeddings);
        for (int layer = 0; layer < decoderLayers; layer++) {
            String block = "decoder.block." + layer;
            int index = layer;
            hidden = Layers.scoped(hidden, input -> {
                String self = block + ".layer.0.SelfAttention";
                NDArray normalized = layers.rmsNorm(input, block + ".layer.0.layer_norm.weight", epsilon);
                NDArray key = project(normalized, self + ".k");
                NDArray value = project(normalized, self + ".v");
                if (cache != null) {
                    NDList all = cache.appendSelf(index, key, value);
                    key = all.get(0);
                    value = all.get(1);
                }
                NDArray afterSelf = input.add(attend(self, normalized, key, value, fixedSelfBias));
                String cross = block + ".layer.1.EncDecAttention";
                NDArray crossInput = layers.rmsNorm(afterSelf, block + ".layer.1.layer_norm.weight", epsilon);
                NDList crossKeyValue = cache == null ? crossKeyValue(encoderHidden, cross)
                        : cache.cross(index, input.getManager(), () -> crossKeyValue(encoderHidden, cross));
                NDArray afterCross = afterSelf.add(attend(cross, crossInput, crossKeyValue.get(0),
                        crossKeyValue.get(1), crossBias));
                return afterCross.add(feedForward(
                        layers.rmsNorm(afterCross, block + ".layer.2.layer_norm.weight", epsilon),
                        block + ".layer.2.DenseReluDense"));
            });
        }
        if (cache != null) {
            cache.advance(queries);
        }
        NDArray output = layers.rmsNorm(hidden, "decoder.final_layer_norm.weight", epsilon);
        if (scaleDecoderOutput) {
            output = output.mul(layers.constants().of(outputScale));
        }
        return output.matMul(layers.weight(head).transpose());
    }

    private NDList crossKeyValue(NDArray encoderHidden, String attention) {
        return new NDList(project(encoderHidden, attention + ".k"), project(encoderHidden, attention + ".v"));
    }

    /** (batch, seq, inner) projection split into heads. */
    private NDArray project(NDArray input, String prefix) {
        return Layers.splitHeads(layers.linearNoBias(input, prefix), heads);
    }

    private NDArray attend(String attention, NDArray queryInput, NDArray key, NDArray value, NDArray bias) {
        NDArray query = project(queryInput, attention + ".q");
        NDArray context = Layers.mergeHeads(layers.attention(query, key, value, bias, 1f));
        return layers.linearNoBias(context, attention + ".o");
    }

    private NDArray feedForward(NDArray input, String prefix) {
        NDArray inner = gated
                ? layers.activation(layers.linearNoBias(input, prefix + ".wi_0"), activation)
                        .mul(layers.linearNoBias(input, prefix + ".wi_1"))
                : layers.activation(layers.linearNoBias(input, prefix + ".wi"), activation);
        return layers.linearNoBias(inner, prefix + ".wo");
    }

    /**
     * The relative-position bias of {@code queries} positions from {@code offset} on over {@code keys} positions from
     * 0: (1, heads, queries, keys), read from the stack's first layer.
     */
    private NDArray positionBias(NDManager manager, String stack, boolean bidirectional, int queries, int keys,
            int offset) {
        long[] bucketIds = new long[queries * keys];
        for (int query = 0; query < queries; query++) {
            for (int key = 0; key < keys; key++) {
                bucketIds[query * keys + key] = bucket(key - (query + offset), bidirectional, buckets, maxDistance);
            }
        }
        NDArray table = manager.create(bucketIds, new Shape(queries, keys));
        return layers.embedding(table, stack + ".block.0.layer.0.SelfAttention.relative_attention_bias.weight")
                .transpose(2, 0, 1).expandDims(0);
    }

    /**
     * transformers' {@code _relative_position_bucket}: exact buckets for small distances, logarithmic ones up to
     * {@code maxDistance}, half of them for keys after the query when bidirectional; computed in float32 as there.
     */
    static int bucket(int relativePosition, boolean bidirectional, int buckets, int maxDistance) {
        int bucket = 0;
        int count = buckets;
        int distance;
        if (bidirectional) {
            count /= 2;
            if (relativePosition > 0) {
                bucket += count;
            }
            distance = Math.abs(relativePosition);
        } else {
            distance = -Math.min(relativePosition, 0);
        }
        int exact = count / 2;
        if (distance < exact) {
            return bucket + distance;
        }
        float ratio = (float) distance / exact;
        float scaled = (float) Math.log(ratio) / (float) Math.log((double) maxDistance / exact) * (count - exact);
        return bucket + Math.min(exact + (int) scaled, count - 1);
    }
}
