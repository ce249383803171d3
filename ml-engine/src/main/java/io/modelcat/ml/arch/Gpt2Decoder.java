package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.modelcat.ml.checkpoint.HfConfig;

/**
 * Hugging Face {@code GPT2Model}: pre-norm causal blocks with Conv1D projections, final LayerNorm. It runs a
 * whole sequence (training, scoring) or only new positions against a {@link KeyValueCache} (generation).
 */
final class Gpt2Decoder implements CausalDecoder {

    static final String PREFIX = "transformer";

    private final Layers layers;
    private final int layerCount;
    private final int heads;
    private final int hiddenSize;
    private final float layerNormEpsilon;
    private final float embeddingDropout;
    private final float residualDropout;
    private final float attentionDropout;
    private final String activation;

    Gpt2Decoder(HfConfig config, Layers layers) {
        this.layers = layers;
        this.layerCount = config.requiredInt("n_layer");
        this.heads = config.requiredInt("n_head");
        this.hiddenSize = config.requiredInt("n_embd");
        this.layerNormEpsilon = (float) config.doubleValue("layer_norm_epsilon", 1e-5);
        this.embeddingDropout = (float) config.doubleValue("embd_pdrop", 0.1);
        this.residualDropout = (float) config.doubleValue("resid_pdrop", 0.1);
        this.attentionDropout = (float) config.doubleValue("attn_pdrop", 0.1);
        this.activation = config.text("activation_function").orElse("gelu_new");
        if (!config.booleanValue("scale_attn_weights", true)
                || config.booleanValue("scale_attn_by_inverse_layer_idx", false)
                || config.booleanValue("reorder_and_upcast_attn", false)) {
            throw new IllegalArgumentException("GPT-2 attention scaling variants are not supported");
        }
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    @Override
    public int layerCount() {
        return layerCount;
    }

    @Override
    public NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KeyValueCache cache,
            boolean training) {
        int cached = cache == null ? 0 : cache.length();
        NDArray bias = AttentionMasks.decoder(ids, attentionMask, cached, layers.constants());
        NDArray hidden = layers.embedding(ids, PREFIX + ".wte.weight")
                .add(layers.embedding(positions, PREFIX + ".wpe.weight"));
        hidden = layers.dropout(hidden, embeddingDropout, training);
        for (int layer = 0; layer < layerCount; layer++) {
            String name = PREFIX + ".h." + layer;
            int index = layer;
            hidden = Layers.scoped(hidden, input -> block(input, bias, name, index, cache, training));
        }
        if (cache != null) {
            cache.advance((int) ids.getShape().get(1));
        }
        return layers.layerNorm(hidden, PREFIX + ".ln_f", layerNormEpsilon);
    }

    private NDArray block(NDArray hidden, NDArray bias, String block, int layer, KeyValueCache cache,
            boolean training) {
        NDArray normalized = layers.layerNorm(hidden, block + ".ln_1", layerNormEpsilon);
        NDList queryKeyValue = layers.conv1d(normalized, block + ".attn.c_attn").split(3, 2);
        NDArray key = Layers.splitHeads(queryKeyValue.get(1), heads);
        NDArray value = Layers.splitHeads(queryKeyValue.get(2), heads);
        if (cache != null) {
            NDList all = cache.append(layer, key, value);
            key = all.get(0);
            value = all.get(1);
        }
        NDArray context = Layers.mergeHeads(layers.attention(
                Layers.splitHeads(queryKeyValue.get(0), heads), key, value, bias, attentionDropout, training));
        NDArray attended = layers.dropout(layers.conv1d(context, block + ".attn.c_proj"), residualDropout,
                training);
        NDArray afterAttention = hidden.add(attended);
        NDArray feedForward = layers.conv1d(
                layers.activation(layers.conv1d(
                        layers.layerNorm(afterAttention, block + ".ln_2", layerNormEpsilon),
                        block + ".mlp.c_fc"), activation),
                block + ".mlp.c_proj");
        return afterAttention.add(layers.dropout(feedForward, residualDropout, training));
    }
}
