package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.checkpoint.HfConfig;

/**
 * Hugging Face {@code BertModel} (and {@code RobertaModel}, which differs only in how position ids
 * are counted) without the pooler.
 */
final class BertEncoder implements Encoder {

    private final Layers layers;
    private final String prefix;
    private final boolean robertaPositions;
    private final int layerCount;
    private final int heads;
    private final int hiddenSize;
    private final int padTokenId;
    private final float layerNormEpsilon;
    private final float hiddenDropout;
    private final float attentionDropout;
    private final String activation;
    private final boolean singleTokenType;

    BertEncoder(HfConfig config, Layers layers, String prefix, boolean robertaPositions) {
        this.layers = layers;
        this.prefix = prefix;
        this.robertaPositions = robertaPositions;
        this.layerCount = config.requiredInt("num_hidden_layers");
        this.heads = config.requiredInt("num_attention_heads");
        this.hiddenSize = config.requiredInt("hidden_size");
        this.padTokenId = config.intValue("pad_token_id", robertaPositions ? 1 : 0);
        this.layerNormEpsilon = (float) config.doubleValue("layer_norm_eps", 1e-12);
        this.hiddenDropout = (float) config.doubleValue("hidden_dropout_prob", 0.1);
        this.attentionDropout = (float) config.doubleValue("attention_probs_dropout_prob", 0.1);
        this.activation = config.text("hidden_act").orElse("gelu");
        this.singleTokenType = config.intValue("type_vocab_size", 2) == 1;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    @Override
    public NDArray encode(NDList inputs, boolean training) {
        NDArray ids = inputs.get(0);
        NDArray bias = AttentionMasks.padding(inputs.get(1), layers.constants()).orElse(null);
        // RoBERTa has one token type; a tokenizer that marks pair segments must not index past it.
        boolean typed = inputs.size() > 2 && !singleTokenType;
        NDArray hidden = embed(ids, typed ? inputs.get(2) : ids.zerosLike(), training);
        for (int layer = 0; layer < layerCount; layer++) {
            String name = prefix + ".encoder.layer." + layer;
            hidden = Layers.scoped(hidden, input -> layer(input, bias, name, training));
        }
        return hidden;
    }

    private NDArray embed(NDArray ids, NDArray tokenTypes, boolean training) {
        String embeddings = prefix + ".embeddings";
        NDArray words = layers.embedding(ids, embeddings + ".word_embeddings.weight", padTokenId);
        // RoBERTa's position table has padding_idx too (padding tokens sit at position pad_token_id); BERT's has none.
        NDArray positions = robertaPositions
                ? layers.embedding(positionIds(ids), embeddings + ".position_embeddings.weight", padTokenId)
                : layers.embedding(positionIds(ids), embeddings + ".position_embeddings.weight");
        NDArray types = layers.embedding(tokenTypes, embeddings + ".token_type_embeddings.weight");
        NDArray summed = words.add(positions).add(types);
        return layers.dropout(layers.layerNorm(summed, embeddings + ".LayerNorm", layerNormEpsilon),
                hiddenDropout, training);
    }

    private NDArray layer(NDArray hidden, NDArray bias, String layer, boolean training) {
        NDArray query = Layers.splitHeads(layers.linear(hidden, layer + ".attention.self.query"), heads);
        NDArray key = Layers.splitHeads(layers.linear(hidden, layer + ".attention.self.key"), heads);
        NDArray value = Layers.splitHeads(layers.linear(hidden, layer + ".attention.self.value"), heads);
        NDArray context = Layers.mergeHeads(
                layers.attention(query, key, value, bias, attentionDropout, training));
        NDArray attended = layers.dropout(layers.linear(context, layer + ".attention.output.dense"),
                hiddenDropout, training);
        NDArray afterAttention = layers.layerNorm(attended.add(hidden), layer + ".attention.output.LayerNorm",
                layerNormEpsilon);
        NDArray intermediate = layers.activation(
                layers.linear(afterAttention, layer + ".intermediate.dense"), activation);
        NDArray output = layers.dropout(layers.linear(intermediate, layer + ".output.dense"), hiddenDropout,
                training);
        return layers.layerNorm(output.add(afterAttention), layer + ".output.LayerNorm", layerNormEpsilon);
    }

    /**
     * BERT counts positions 0..seq-1. RoBERTa starts after the padding id and gives padding tokens
     * the padding id itself, as {@code create_position_ids_from_input_ids} does.
     */
    private NDArray positionIds(NDArray ids) {
        Shape shape = ids.getShape();
        int batch = (int) shape.get(0);
        int sequence = (int) shape.get(1);
        long[] positions = new long[batch * sequence];
        long[] tokenIds = robertaPositions ? ids.toLongArray() : null;
        for (int row = 0; row < batch; row++) {
            long counted = 0;
            for (int column = 0; column < sequence; column++) {
                int index = row * sequence + column;
                if (!robertaPositions) {
                    positions[index] = column;
                } else if (tokenIds[index] == padTokenId) {
                    positions[index] = padTokenId;
                } else {
                    counted++;
                    positions[index] = counted + padTokenId;
                }
            }
        }
        return ids.getManager().create(positions, shape);
    }
}
