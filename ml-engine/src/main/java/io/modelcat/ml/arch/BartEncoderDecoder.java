package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.checkpoint.HfConfig;

/**
 * Hugging Face {@code BartForConditionalGeneration} (DistilBART is the same with other layer counts): token embeddings
 * (times sqrt(d_model) with {@code scale_embedding}) plus learned positions offset by 2, {@code layernorm_embedding},
 * post-layer-norm blocks with biased projections and a GELU feed-forward, and a head tied to the shared embeddings plus
 * {@code final_logits_bias}. {@code MarianMTModel} is the same network with sinusoidal positions (computed, not
 * stored; no offset) and no {@code layernorm_embedding}.
 */
final class BartEncoderDecoder implements EncoderDecoderBody {

    /** BART's position tables start with two rows that no position uses. */
    private static final int POSITION_OFFSET = 2;

    private final Layers layers;
    private final int encoderLayers;
    private final int decoderLayers;
    private final int encoderHeads;
    private final int decoderHeads;
    private final float attentionScale;
    private final float embeddingScale;
    private final String activation;
    private final String embeddings;
    private final String head;
    private final boolean sinusoidal;
    private final int model;

    BartEncoderDecoder(HfConfig config, Layers layers, Seq2SeqFamily family) {
        this.layers = layers;
        this.sinusoidal = family == Seq2SeqFamily.MARIAN;
        if (sinusoidal && !config.booleanValue("share_encoder_decoder_embeddings", true)) {
            throw new IllegalArgumentException("Marian models with separate encoder and decoder vocabularies are not "
                    + "supported");
        }
        this.encoderLayers = config.requiredInt("encoder_layers");
        this.decoderLayers = config.requiredInt("decoder_layers");
        this.encoderHeads = config.requiredInt("encoder_attention_heads");
        this.decoderHeads = config.requiredInt("decoder_attention_heads");
        this.model = config.requiredInt("d_model");
        if (model % encoderHeads != 0 || model % decoderHeads != 0) {
            throw new IllegalArgumentException("d_model " + model + " is not a multiple of the attention heads");
        }
        if (encoderHeads != decoderHeads) {
            throw new IllegalArgumentException("encoder and decoder with different head counts are not supported");
        }
        this.attentionScale = (float) Math.pow(model / encoderHeads, -0.5);
        this.embeddingScale = config.booleanValue("scale_embedding", false) ? (float) Math.sqrt(model) : 1f;
        this.activation = config.text("activation_function").orElse("gelu");
        if (config.booleanValue("normalize_before", false) || config.booleanValue("add_final_layer_norm", false)) {
            throw new IllegalArgumentException("pre-layer-norm BART variants (mBART) are not supported");
        }
        this.embeddings = layers.has("model.shared.weight") ? "model.shared.weight"
                : "model.encoder.embed_tokens.weight";
        this.head = layers.has("lm_head.weight") ? "lm_head.weight" : embeddings;
    }

    @Override
    public int decoderLayers() {
        return decoderLayers;
    }

    @Override
    public NDArray encode(NDArray ids, NDArray attentionMask) {
        NDArray bias = AttentionMasks.padding(attentionMask, layers.constants()).orElse(null);
        NDArray hidden = embed(ids, "model.encoder", 0);
        for (int layer = 0; layer < encoderLayers; layer++) {
            String block = "model.encoder.layers." + layer;
            hidden = Layers.scoped(hidden, input -> {
                String self = block + ".self_attn";
                NDArray attended = attend(self, input, project(input, self + ".k_proj"),
                        project(input, self + ".v_proj"), bias);
                NDArray afterAttention = layers.layerNorm(input.add(attended), block + ".self_attn_layer_norm", 1e-5f);
                return layers.layerNorm(afterAttention.add(feedForward(afterAttention, block)),
                        block + ".final_layer_norm", 1e-5f);
            });
        }
        return hidden;
    }

    @Override
    public NDArray decode(NDArray ids, NDArray encoderHidden, NDArray encoderMask, EncoderDecoderCache cache) {
        int cached = cache == null ? 0 : cache.length();
        int queries = (int) ids.getShape().get(1);
        NDArray selfBias = queries > 1 ? AttentionMasks.causal(ids, queries, cached) : null;
        NDArray crossBias = AttentionMasks.padding(encoderMask, layers.constants()).orElse(null);
        NDArray hidden = embed(ids, "model.decoder", cached);
        for (int layer = 0; layer < decoderLayers; layer++) {
            String block = "model.decoder.layers." + layer;
            int index = layer;
            hidden = Layers.scoped(hidden, input -> {
                String self = block + ".self_attn";
                NDArray key = project(input, self + ".k_proj");
                NDArray value = project(input, self + ".v_proj");
                if (cache != null) {
                    NDList all = cache.appendSelf(index, key, value);
                    key = all.get(0);
                    value = all.get(1);
                }
                NDArray afterSelf = layers.layerNorm(input.add(attend(self, input, key, value, selfBias)),
                        block + ".self_attn_layer_norm", 1e-5f);
                String cross = block + ".encoder_attn";
                NDList crossKeyValue = cache == null ? crossKeyValue(encoderHidden, cross)
                        : cache.cross(index, input.getManager(), () -> crossKeyValue(encoderHidden, cross));
                NDArray afterCross = layers.layerNorm(afterSelf.add(attend(cross, afterSelf, crossKeyValue.get(0),
                        crossKeyValue.get(1), crossBias)), block + ".encoder_attn_layer_norm", 1e-5f);
                return layers.layerNorm(afterCross.add(feedForward(afterCross, block)), block + ".final_layer_norm",
                        1e-5f);
            });
        }
        if (cache != null) {
            cache.advance(queries);
        }
        NDArray logits = hidden.matMul(layers.weight(head).transpose());
        return layers.has("final_logits_bias") ? logits.add(layers.weight("final_logits_bias")) : logits;
    }

    /** Token embeddings (scaled) plus learned positions from {@code offset} on, then {@code layernorm_embedding}. */
    private NDArray embed(NDArray ids, String stack, int offset) {
        Shape shape = ids.getShape();
        int length = (int) shape.get(1);
        long[] positions = new long[length];
        for (int index = 0; index < length; index++) {
            positions[index] = offset + index + POSITION_OFFSET;
        }
        NDArray tokens = layers.embedding(ids, embeddings);
        if (embeddingScale != 1f) {
            tokens = tokens.mul(layers.constants().of(embeddingScale));
        }
        if (sinusoidal) {
            return tokens.add(sinusoids(ids, offset, length));
        }
        NDArray learned = layers.embedding(ids.getManager().create(positions, new Shape(1, length)),
                stack + ".embed_positions.weight");
        return layers.layerNorm(tokens.add(learned), stack + ".layernorm_embedding", 1e-5f);
    }

    /**
     * Marian's position embeddings of {@code length} positions from {@code offset} on, (1, length, d_model): the sines
     * of position / 10000^(2i / d) in the first half of each vector, the cosines in the second, computed in float64
     * and stored as float32, as transformers builds its table.
     */
    private NDArray sinusoids(NDArray like, int offset, int length) {
        int half = (model + 1) / 2;
        float[] table = new float[length * model];
        for (int row = 0; row < length; row++) {
            double position = offset + row;
            for (int j = 0; j < model; j++) {
                double angle = position / Math.pow(10000, 2.0 * (j / 2) / model);
                // Even j fill the sine half in order, odd j the cosine half.
                int column = j % 2 == 0 ? j / 2 : half + j / 2;
                table[row * model + column] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return like.getManager().create(table, new Shape(1, length, model));
    }

    private NDList crossKeyValue(NDArray encoderHidden, String attention) {
        return new NDList(project(encoderHidden, attention + ".k_proj"), project(encoderHidden, attention + ".v_proj"));
    }

    private NDArray project(NDArray input, String prefix) {
        return Layers.splitHeads(layers.linear(input, prefix), encoderHeads);
    }

    private NDArray attend(String attention, NDArray queryInput, NDArray key, NDArray value, NDArray bias) {
        NDArray query = project(queryInput, attention + ".q_proj");
        NDArray context = Layers.mergeHeads(layers.attention(query, key, value, bias, attentionScale));
        return layers.linear(context, attention + ".out_proj");
    }

    private NDArray feedForward(NDArray input, String block) {
        return layers.linear(layers.activation(layers.linear(input, block + ".fc1"), activation), block + ".fc2");
    }
}
