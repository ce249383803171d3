package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.modelcat.ml.checkpoint.HfConfig;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hugging Face {@code LlamaModel} and the bodies built like it: {@code MistralModel}, {@code Qwen2Model} and
 * {@code Qwen3Model}. Pre-norm blocks with RMSNorm, rotary position embeddings, grouped-query attention and a SwiGLU
 * feed-forward; the families differ only in settings read from {@code config.json} (which projections have biases,
 * Qwen3's per-head q/k norms, sliding windows). Like {@link Gpt2Decoder} it runs a whole sequence or only new
 * positions against a {@link KeyValueCache}, which keeps the key/value heads as they are: each serves its group
 * of query heads without being repeated.
 */
final class LlamaDecoder implements CausalDecoder {

    static final String PREFIX = "model";

    private final Layers layers;
    private final int layerCount;
    private final int heads;
    private final int keyValueHeads;
    private final int headSize;
    private final int hiddenSize;
    private final float epsilon;
    private final float attentionDropout;
    private final boolean queryKeyValueBias;
    private final boolean outputBias;
    private final boolean feedForwardBias;
    private final boolean queryKeyNorm;
    private final Optional<Long> paddingIndex;
    private final RotaryEmbedding rotary;
    /** Per layer, the sliding window of its attention; 0 where it sees the whole causal context. */
    private final int[] windows;

    LlamaDecoder(HfConfig config, ArchitectureFamily family, Layers layers) {
        this.layers = layers;
        this.layerCount = config.requiredInt("num_hidden_layers");
        this.heads = config.requiredInt("num_attention_heads");
        this.hiddenSize = config.requiredInt("hidden_size");
        // Absent, each config class has its own default; written as null, every one falls back to all heads.
        this.keyValueHeads = config.has("num_key_value_heads")
                ? config.intValue("num_key_value_heads", heads)
                : switch (family) {
                    case MISTRAL -> 8;
                    case QWEN2, QWEN3 -> 32;
                    default -> heads;
                };
        // Qwen3Config defaults head_dim to 128; the others derive it from the hidden size.
        this.headSize = config.has("head_dim")
                ? config.intValue("head_dim", hiddenSize / heads)
                : family == ArchitectureFamily.QWEN3 ? 128 : hiddenSize / heads;
        this.epsilon = (float) config.doubleValue("rms_norm_eps", 1e-6);
        this.attentionDropout = (float) config.doubleValue("attention_dropout", 0.0);
        boolean attentionBias = config.booleanValue("attention_bias", false);
        this.queryKeyValueBias = switch (family) {
            case QWEN2 -> true;
            case MISTRAL -> false;
            default -> attentionBias;
        };
        this.outputBias = (family == ArchitectureFamily.LLAMA || family == ArchitectureFamily.QWEN3) && attentionBias;
        this.feedForwardBias = family == ArchitectureFamily.LLAMA && config.booleanValue("mlp_bias", false);
        this.queryKeyNorm = family == ArchitectureFamily.QWEN3;
        // nn.Embedding(padding_idx=pad_token_id): the padding row gets no gradient in training.
        this.paddingIndex = config.optionalLong("pad_token_id");
        String activation = config.text("hidden_act").orElse("silu");
        if (!activation.equals("silu") && !activation.equals("swish")) {
            throw new IllegalArgumentException("hidden_act " + activation + " is not supported for " + family
                    + " (the engine runs SwiGLU with silu)");
        }
        if (heads % keyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + keyValueHeads);
        }
        this.rotary = RotaryEmbedding.of(config, headSize);
        this.windows = slidingWindows(config, family, layerCount);
    }

    /**
     * Which layers attend within a sliding window, exactly as transformers 5.17 decides: Mistral applies its
     * {@code sliding_window} (4096 when the key is absent, none when null) in every layer; Qwen2 and Qwen3 only
     * with {@code use_sliding_window}, in the layers that {@code layer_types} names {@code sliding_attention} (when
     * not written: the layers from {@code max_window_layers} on); Llama never.
     */
    static int[] slidingWindows(HfConfig config, ArchitectureFamily family, int layerCount) {
        int[] windows = new int[layerCount];
        switch (family) {
            case MISTRAL -> {
                int window = config.has("sliding_window") ? config.intValue("sliding_window", 0) : 4096;
                Arrays.fill(windows, window);
            }
            case QWEN2, QWEN3 -> {
                Optional<Integer> window = config.booleanValue("use_sliding_window", false)
                        ? (config.has("sliding_window")
                                ? config.optionalLong("sliding_window").map(Long::intValue)
                                : Optional.of(4096))
                        : Optional.empty();
                int fromLayer = config.intValue("max_window_layers", 28);
                List<String> types = config.textList("layer_types").orElse(null);
                if (types != null && types.size() != layerCount) {
                    throw new IllegalArgumentException("layer_types names " + types.size() + " layers, not "
                            + layerCount);
                }
                for (int layer = 0; layer < layerCount; layer++) {
                    String type = types != null ? types.get(layer)
                            : window.isPresent() && layer >= fromLayer ? "sliding_attention" : "full_attention";
                    if (type.equals("sliding_attention")) {
                        windows[layer] = window.orElseThrow(() -> new IllegalArgumentException(
                                "layer_types asks for sliding_attention but no sliding_window is set"));
                    } else if (!type.equals("full_attention")) {
                        throw new IllegalArgumentException("unsupported layer type " + type);
                    }
                }
            }
            default -> {
                // Llama attends over the whole causal context.
            }
        }
        return windows;
    }

    /** Whether {@code lm_head} is the token embedding matrix: every family here defaults to a separate head. */
    static boolean tiedEmbeddings(HfConfig config) {
        return config.booleanValue("tie_word_embeddings", false);
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
        // One bias per distinct window (usually one or two), shared by the layers that use it.
        Map<Integer, Optional<NDArray>> biases = new HashMap<>();
        for (int window : windows) {
            biases.computeIfAbsent(window, w -> Optional.ofNullable(
                    AttentionMasks.decoder(ids, attentionMask, cached, w, layers.constants())));
        }
        NDList cosineAndSine = rotary.cosineAndSine(positions);
        String table = PREFIX + ".embed_tokens.weight";
        NDArray hidden = paddingIndex.isPresent()
                ? layers.embedding(ids, table, paddingIndex.get())
                : layers.embedding(ids, table);
        for (int layer = 0; layer < layerCount; layer++) {
            String name = PREFIX + ".layers." + layer;
            int index = layer;
            NDArray bias = biases.get(windows[layer]).orElse(null);
            hidden = Layers.scoped(hidden, input -> block(input, bias, cosineAndSine, name, index, cache, training));
        }
        if (cache != null) {
            cache.advance((int) ids.getShape().get(1));
        }
        return layers.rmsNorm(hidden, PREFIX + ".norm.weight", epsilon);
    }

    private NDArray block(NDArray hidden, NDArray bias, NDList cosineAndSine, String block, int layer,
            KeyValueCache cache, boolean training) {
        String attention = block + ".self_attn";
        NDArray normalized = layers.rmsNorm(hidden, block + ".input_layernorm.weight", epsilon);
        NDArray query = Layers.splitHeads(layers.linear(normalized, attention + ".q_proj", queryKeyValueBias), heads);
        NDArray key = Layers.splitHeads(layers.linear(normalized, attention + ".k_proj", queryKeyValueBias),
                keyValueHeads);
        NDArray value = Layers.splitHeads(layers.linear(normalized, attention + ".v_proj", queryKeyValueBias),
                keyValueHeads);
        if (queryKeyNorm) {
            // Qwen3: RMSNorm over each head's vector, before the rotation.
            query = layers.rmsNorm(query, attention + ".q_norm.weight", epsilon);
            key = layers.rmsNorm(key, attention + ".k_norm.weight", epsilon);
        }
        query = RotaryEmbedding.apply(query, cosineAndSine.get(0), cosineAndSine.get(1));
        key = RotaryEmbedding.apply(key, cosineAndSine.get(0), cosineAndSine.get(1));
        if (cache != null) {
            NDList all = cache.append(layer, key, value);
            key = all.get(0);
            value = all.get(1);
        }
        NDArray context = Layers.mergeHeads(layers.attention(query, key, value, bias,
                attentionDropout, training));
        NDArray afterAttention = hidden.add(layers.linear(context, attention + ".o_proj", outputBias));
        NDArray feedInput = layers.rmsNorm(afterAttention, block + ".post_attention_layernorm.weight", epsilon);
        String mlp = block + ".mlp";
        NDArray gated = layers.activation(layers.linear(feedInput, mlp + ".gate_proj", feedForwardBias), "silu")
                .mul(layers.linear(feedInput, mlp + ".up_proj", feedForwardBias));
        return afterAttention.add(layers.linear(gated, mlp + ".down_proj", feedForwardBias));
    }
}
