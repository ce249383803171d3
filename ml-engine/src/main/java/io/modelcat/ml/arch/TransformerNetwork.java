package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.modelcat.ml.checkpoint.HfConfig;
import java.util.List;

/** A transformer body and task head wired to Hugging Face-named weights: the forward pass. */
public final class TransformerNetwork {

    private final Encoder encoder;
    private final Head head;

    private TransformerNetwork(Encoder encoder, Head head) {
        this.encoder = encoder;
        this.head = head;
    }

    public static TransformerNetwork create(HfConfig config, ArchitectureFamily family, HeadType task, Weights weights,
            ScalarConstants constants) {
        Layers layers = new Layers(weights, constants);
        Encoder encoder = switch (family) {
            case BERT -> new BertEncoder(config, layers, family.basePrefix(), false);
            case ROBERTA -> new BertEncoder(config, layers, family.basePrefix(), true);
            case DISTILBERT -> new DistilBertEncoder(config, layers);
            case GPT2 -> new Gpt2Decoder(config, layers);
        };
        return new TransformerNetwork(encoder, TaskHeads.create(family, task, config, layers));
    }

    /** The parameters the task head owns, for creating them when a checkpoint lacks them. */
    public static List<ParameterSpec> headParameters(HfConfig config, ArchitectureFamily family, HeadType task,
            int labelCount) {
        return TaskHeads.parameters(family, task, config, hiddenSize(config, family), labelCount);
    }

    public static int hiddenSize(HfConfig config, ArchitectureFamily family) {
        return switch (family) {
            case BERT, ROBERTA -> config.requiredInt("hidden_size");
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
        return head.logits(encoder.encode(inputs, training), training);
    }

    /** The body's output without the head: (batch, seq, hidden), what transformers calls {@code last_hidden_state}. */
    public NDArray hiddenStates(NDList inputs, boolean training) {
        return encoder.encode(inputs, training);
    }
}
