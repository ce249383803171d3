package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import io.modelcat.ml.checkpoint.HfConfig;
import java.util.ArrayList;
import java.util.List;

/** The head layouts of {@code transformers}, by family and task, with their parameter names. */
final class TaskHeads {

    private TaskHeads() {}

    /** The parameters a head owns (for a tied LM head: none). */
    static List<ParameterSpec> parameters(ArchitectureFamily family, HeadType task, HfConfig config, int hidden,
            int labels) {
        List<ParameterSpec> specs = new ArrayList<>();
        if (task == HeadType.CAUSAL_LM) {
            return specs;
        }
        if (task == HeadType.QUESTION_ANSWERING) {
            addLinear(specs, "qa_outputs", 2, hidden);
            return specs;
        }
        if (task == HeadType.MASKED_LM) {
            MaskedLmLayout layout = MaskedLmLayout.of(family);
            addLinear(specs, layout.dense(), hidden, hidden);
            specs.add(new ParameterSpec(layout.layerNorm() + ".weight", new Shape(hidden), false, true));
            specs.add(new ParameterSpec(layout.layerNorm() + ".bias", new Shape(hidden), true));
            int vocabulary = config.requiredInt("vocab_size");
            specs.add(new ParameterSpec(layout.bias(), new Shape(vocabulary), true));
            if (!config.booleanValue("tie_word_embeddings", true)) {
                specs.add(new ParameterSpec(layout.decoder() + ".weight", new Shape(vocabulary, hidden), false));
            }
            return specs;
        }
        if (task == HeadType.SEQUENCE_CLASSIFICATION) {
            switch (family) {
                case BERT -> addLinear(specs, "bert.pooler.dense", hidden, hidden);
                case DISTILBERT -> addLinear(specs, "pre_classifier", hidden, hidden);
                case ROBERTA -> {
                    addLinear(specs, "classifier.dense", hidden, hidden);
                    addLinear(specs, "classifier.out_proj", labels, hidden);
                    return specs;
                }
                default -> throw new IllegalArgumentException(family + " has no sequence classification head here");
            }
        }
        addLinear(specs, "classifier", labels, hidden);
        return specs;
    }

    static Head create(ArchitectureFamily family, HeadType task, HfConfig config, Layers layers) {
        float classifierDropout = classifierDropout(family, task, config);
        return switch (task) {
            case CAUSAL_LM -> languageModel(family, config, layers);
            case MASKED_LM -> maskedLanguageModel(family, config, layers);
            // (batch, seq, 2) -> (batch, 2, seq): row 0 start logits, row 1 end logits, so that a
            // softmax over the last axis is over positions, as transformers' span loss takes it.
            case QUESTION_ANSWERING -> (hidden, training) -> layers.linear(hidden, "qa_outputs").transpose(0, 2, 1);
            case TOKEN_CLASSIFICATION -> (hidden, training) ->
                    layers.linear(layers.dropout(hidden, classifierDropout, training), "classifier");
            case SEQUENCE_CLASSIFICATION -> switch (family) {
                case BERT -> (hidden, training) -> {
                    NDArray pooled = Activation.tanh(layers.linear(firstToken(hidden), "bert.pooler.dense"));
                    return layers.linear(layers.dropout(pooled, classifierDropout, training), "classifier");
                };
                case DISTILBERT -> (hidden, training) -> {
                    NDArray pooled = Activation.relu(layers.linear(firstToken(hidden), "pre_classifier"));
                    return layers.linear(layers.dropout(pooled, classifierDropout, training), "classifier");
                };
                case ROBERTA -> (hidden, training) -> {
                    NDArray first = layers.dropout(firstToken(hidden), classifierDropout, training);
                    NDArray dense = Activation.tanh(layers.linear(first, "classifier.dense"));
                    return layers.linear(layers.dropout(dense, classifierDropout, training), "classifier.out_proj");
                };
                default -> throw new IllegalArgumentException(family + " has no sequence classification head here");
            };
        };
    }

    private static Head languageModel(ArchitectureFamily family, HfConfig config, Layers layers) {
        String matrix = switch (family) {
            // transformers ties lm_head to wte unless tie_word_embeddings is false; then lm_head is saved.
            case GPT2 -> config.booleanValue("tie_word_embeddings", true)
                    ? Gpt2Decoder.PREFIX + ".wte.weight"
                    : "lm_head.weight";
            // LlamaConfig, MistralConfig, Qwen2Config and Qwen3Config all default to an lm_head of its own.
            case LLAMA, MISTRAL, QWEN2, QWEN3 -> LlamaDecoder.tiedEmbeddings(config)
                    ? LlamaDecoder.PREFIX + ".embed_tokens.weight"
                    : "lm_head.weight";
            default -> throw new IllegalArgumentException(family + " has no causal language model head");
        };
        return (hidden, training) -> Linear.linear(hidden, layers.weight(matrix)).singletonOrThrow();
    }

    /**
     * The state-dict names of a masked-LM head: transform (dense, activation, LayerNorm), then a
     * decoder whose weight is the word embedding matrix (unless {@code tie_word_embeddings} is
     * false) and whose bias is its own parameter.
     */
    record MaskedLmLayout(String dense, String layerNorm, String decoder, String bias, String embeddings) {

        static MaskedLmLayout of(ArchitectureFamily family) {
            return switch (family) {
                case BERT -> new MaskedLmLayout("cls.predictions.transform.dense",
                        "cls.predictions.transform.LayerNorm", "cls.predictions.decoder", "cls.predictions.bias",
                        "bert.embeddings.word_embeddings.weight");
                case DISTILBERT -> new MaskedLmLayout("vocab_transform", "vocab_layer_norm", "vocab_projector",
                        "vocab_projector.bias", "distilbert.embeddings.word_embeddings.weight");
                case ROBERTA -> new MaskedLmLayout("lm_head.dense", "lm_head.layer_norm", "lm_head.decoder",
                        "lm_head.bias", "roberta.embeddings.word_embeddings.weight");
                case GPT2, LLAMA, MISTRAL, QWEN2, QWEN3 ->
                        throw new IllegalArgumentException(family + " has no masked language model head");
            };
        }
    }

    private static Head maskedLanguageModel(ArchitectureFamily family, HfConfig config, Layers layers) {
        MaskedLmLayout layout = MaskedLmLayout.of(family);
        String activation = switch (family) {
            case BERT -> config.text("hidden_act").orElse("gelu");
            case DISTILBERT -> config.text("activation").orElse("gelu");
            default -> "gelu";
        };
        float epsilon = family == ArchitectureFamily.DISTILBERT
                ? 1e-12f
                : (float) config.doubleValue("layer_norm_eps", 1e-12);
        String matrix = config.booleanValue("tie_word_embeddings", true)
                ? layout.embeddings()
                : layout.decoder() + ".weight";
        return (hidden, training) -> {
            NDArray transformed = layers.layerNorm(
                    layers.activation(layers.linear(hidden, layout.dense()), activation), layout.layerNorm(), epsilon);
            return Linear.linear(transformed, layers.weight(matrix), layers.weight(layout.bias())).singletonOrThrow();
        };
    }

    private static NDArray firstToken(NDArray hidden) {
        return hidden.get(":, 0, :");
    }

    private static float classifierDropout(ArchitectureFamily family, HeadType task, HfConfig config) {
        if (family == ArchitectureFamily.DISTILBERT) {
            return task == HeadType.SEQUENCE_CLASSIFICATION
                    ? (float) config.doubleValue("seq_classif_dropout", 0.2)
                    : (float) config.doubleValue("dropout", 0.1);
        }
        return (float) config.doubleValue("classifier_dropout", config.doubleValue("hidden_dropout_prob", 0.1));
    }

    private static void addLinear(List<ParameterSpec> specs, String prefix, int out, int in) {
        specs.add(new ParameterSpec(prefix + ".weight", new Shape(out, in), false));
        specs.add(new ParameterSpec(prefix + ".bias", new Shape(out), true));
    }
}
