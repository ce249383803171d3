package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.modelcat.ml.checkpoint.HfConfig;
import java.util.List;

/** A transformer body and task head wired to Hugging Face-named weights: the forward pass. */
public final class TransformerNetwork {

    private final Encoder encoder;
    private final Head head;
    private final Layers layers;

    private TransformerNetwork(Encoder encoder, Head head, Layers layers) {
        this.encoder = encoder;
        this.head = head;
        this.layers = layers;
    }

    /**
     * Adds a LoRA update to every linear layer {@code spec} targets (their A and B must be among the weights
     * by then); null removes the updates. See {@link LoraSpec}.
     */
    public void adapt(LoraSpec spec) {
        layers.adapt(spec);
    }

    /** The LoRA adapter in use, or null. */
    public LoraSpec lora() {
        return layers.lora();
    }

    public static TransformerNetwork create(HfConfig config, ArchitectureFamily family, HeadType task, Weights weights,
            ScalarConstants constants) {
        Layers layers = new Layers(weights, constants);
        Encoder encoder = switch (family) {
            case BERT -> new BertEncoder(config, layers, family.basePrefix(), false);
            case ROBERTA -> new BertEncoder(config, layers, family.basePrefix(), true);
            case DISTILBERT -> new DistilBertEncoder(config, layers);
            case GPT2 -> new Gpt2Decoder(config, layers);
            case LLAMA, MISTRAL, QWEN2, QWEN3 -> new LlamaDecoder(config, family, layers);
        };
        return new TransformerNetwork(encoder, TaskHeads.create(family, task, config, layers), layers);
    }

    /** The parameters the task head owns, for creating them when a checkpoint lacks them. */
    public static List<ParameterSpec> headParameters(HfConfig config, ArchitectureFamily family, HeadType task,
            int labelCount) {
        return TaskHeads.parameters(family, task, config, hiddenSize(config, family), labelCount);
    }

    public static int hiddenSize(HfConfig config, ArchitectureFamily family) {
        return switch (family) {
            case BERT, ROBERTA, LLAMA, MISTRAL, QWEN2, QWEN3 -> config.requiredInt("hidden_size");
            case DISTILBERT -> config.requiredInt("dim");
            case GPT2 -> config.requiredInt("n_embd");
        };
    }

    /** The longest input the position table allows; RoBERTa spends pad_token_id + 1 rows on offsets. */
    public static int maxSequenceLength(HfConfig config, ArchitectureFamily family) {
        return switch (family) {
            case BERT, DISTILBERT -> config.requiredInt("max_position_embeddings");
            case ROBERTA -> config.requiredInt("max_position_embeddings") - config.intValue("pad_token_id", 1) - 1;
            case GPT2 -> config.intValue("n_positions", config.intValue("n_ctx", 1024));
            // Rotary embeddings have no table, but the model is trained (or its scaling set) up to this length.
            case LLAMA -> config.intValue("max_position_embeddings", 2048);
            case MISTRAL -> config.intValue("max_position_embeddings", 4096 * 32);
            case QWEN2, QWEN3 -> config.intValue("max_position_embeddings", 32768);
        };
    }

    /**
     * Logits: (batch, labels) for sequence classification, (batch, seq, labels) for token
     * classification, (batch, seq, vocab) for causal and masked LM, (batch, 2, seq) for question
     * answering (start logits, then end logits).
     *
     * @param inputs input ids and attention mask (and optionally token type ids), int64, all
     *     attached to the caller's per-batch manager so that intermediates die with it
     */
    public NDArray forward(NDList inputs, boolean training) {
        return layers.forward(training, () -> head.logits(encoder.encode(inputs, training), training));
    }

    /**
     * Generation's step: runs only the new positions (the whole prompt first, then one token at a time),
     * keeping their keys and values in {@code cache}, and applies the language-model head to each row's last
     * position alone.
     *
     * @param ids the new tokens, (batch, new) int64, in the step's manager
     * @param positions their positions, (batch, new) int64
     * @param attentionMask 1 for real tokens, 0 for padding, over all positions so far, (batch, cached + new)
     * @return the next token's logits, (batch, vocab)
     */
    public NDArray nextTokenLogits(NDArray ids, NDArray positions, NDArray attentionMask, KeyValueCache cache) {
        NDArray hidden = decoder().decode(ids, positions, attentionMask, cache);
        long last = hidden.getShape().get(1) - 1;
        return head.logits(hidden.get(":, {}:, :", last), false).squeeze(1);
    }

    /** A new, empty key/value cache for this network's layers, under {@code parent}. */
    public KeyValueCache openCache(ai.djl.ndarray.NDManager parent) {
        return KeyValueCache.open(parent, decoder().layerCount());
    }

    private CausalDecoder decoder() {
        if (encoder instanceof CausalDecoder decoder) {
            return decoder;
        }
        throw new IllegalStateException("not a decoder: incremental generation needs a causal language model");
    }

    /** The body's output without the head: (batch, seq, hidden), what transformers calls {@code last_hidden_state}. */
    public NDArray hiddenStates(NDList inputs, boolean training) {
        return layers.forward(training, () -> encoder.encode(inputs, training));
    }
}
