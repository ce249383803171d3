package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.checkpoint.HfConfig;

/**
 * Hugging Face {@code DistilBertModel}: BERT without token types or pooler, post-norm blocks. A
 * sinusoidal position table is saved in the checkpoint like a learned one, so both load alike.
 */
final class DistilBertEncoder implements Encoder {

    private static final String PREFIX = "distilbert";
    // DistilBERT hard-codes this epsilon for every LayerNorm instead of reading it from the config.
    private static final float LAYER_NORM_EPSILON = 1e-12f;

    private final Layers layers;
    private final int layerCount;
    private final int heads;
    private final int hiddenSize;
    private final float dropout;
    private final float attentionDropout;
    private final String activation;
    private final int padTokenId;

    DistilBertEncoder(HfConfig config, Layers layers) {
        this.layers = layers;
        this.layerCount = config.requiredInt("n_layers");
        this.heads = config.requiredInt("n_heads");
        this.hiddenSize = config.requiredInt("dim");
        this.dropout = (float) config.doubleValue("dropout", 0.1);
        this.attentionDropout = (float) config.doubleValue("attention_dropout", 0.1);
        this.activation = config.text("activation").orElse("gelu");
        this.padTokenId = config.intValue("pad_token_id", 0);
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    @Override
    public NDArray encode(NDList inputs, boolean training) {
        NDArray ids = inputs.get(0);
        NDArray bias = AttentionMasks.padding(inputs.get(1), layers.constants()).orElse(null);
        NDArray hidden = embed(ids, training);
        for (int layer = 0; layer < layerCount; layer++) {
            String name = PREFIX + ".transformer.layer." + layer;
            hidden = Layers.scoped(hidden, input -> layer(input, bias, name, training));
        }
        return hidden;
    }

    private NDArray embed(NDArray ids, boolean training) {
        String embeddings = PREFIX + ".embeddings";
        Shape shape = ids.getShape();
        long[] positions = new long[(int) shape.size()];
        for (int index = 0; index < positions.length; index++) {
            positions[index] = index % shape.get(1);
        }
        NDArray words = layers.embedding(ids, embeddings + ".word_embeddings.weight", padTokenId);
        NDArray positional = layers.embedding(ids.getManager().create(positions, shape),
                embeddings + ".position_embeddings.weight");
        return layers.dropout(layers.layerNorm(words.add(positional), embeddings + ".LayerNorm",
                LAYER_NORM_EPSILON), dropout, training);
    }

    private NDArray layer(NDArray hidden, NDArray bias, String layer, boolean training) {
        String attention = layer + ".attention";
        NDArray query = Layers.splitHeads(layers.linear(hidden, attention + ".q_lin"), heads);
        NDArray key = Layers.splitHeads(layers.linear(hidden, attention + ".k_lin"), heads);
        NDArray value = Layers.splitHeads(layers.linear(hidden, attention + ".v_lin"), heads);
        NDArray context = Layers.mergeHeads(
                layers.attention(query, key, value, bias, attentionDropout, training));
        NDArray attended = layers.linear(context, attention + ".out_lin");
        NDArray afterAttention = layers.layerNorm(attended.add(hidden), layer + ".sa_layer_norm",
                LAYER_NORM_EPSILON);
        NDArray feedForward = layers.linear(
                layers.activation(layers.linear(afterAttention, layer + ".ffn.lin1"), activation),
                layer + ".ffn.lin2");
        return layers.layerNorm(layers.dropout(feedForward, dropout, training).add(afterAttention),
                layer + ".output_layer_norm", LAYER_NORM_EPSILON);
    }
}
