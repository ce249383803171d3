package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.checkpoint.HfConfig;

/**
 * An encoder-decoder (T5, BART) wired to Hugging Face-named weights: the encoder runs once over the source, the decoder
 * runs the whole target (teacher forcing) or, against an {@link EncoderDecoderCache}, only the new positions.
 */
public final class EncoderDecoderNetwork {

    private final EncoderDecoderBody body;

    private EncoderDecoderNetwork(EncoderDecoderBody body) {
        this.body = body;
    }

    public static EncoderDecoderNetwork create(HfConfig config, Seq2SeqFamily family, Weights weights,
            ScalarConstants constants) {
        Layers layers = new Layers(weights, constants);
        return new EncoderDecoderNetwork(switch (family) {
            case T5 -> new T5EncoderDecoder(config, layers);
            case BART, MARIAN -> new BartEncoderDecoder(config, layers, family);
        });
    }

    /**
     * The encoder's last hidden state, (batch, source, hidden).
     *
     * @param ids source tokens, (batch, source) int64, in the caller's per-pass manager
     * @param attentionMask 1 for real tokens, 0 for padding, (batch, source) int64
     */
    public NDArray encode(NDArray ids, NDArray attentionMask) {
        return body.encode(ids, attentionMask);
    }

    /**
     * The LM head's logits, (batch, new, vocab), for the decoder tokens {@code ids}: all target positions when
     * {@code cache} is null, otherwise only the new ones, whose keys and values join the cache.
     */
    public NDArray logits(NDArray ids, NDArray encoderHidden, NDArray encoderMask, EncoderDecoderCache cache) {
        return body.decode(ids, encoderHidden, encoderMask, cache);
    }

    /** A new, empty decoder cache for one generation, under {@code parent}. */
    public EncoderDecoderCache openCache(NDManager parent) {
        return EncoderDecoderCache.open(parent, body.decoderLayers());
    }
}
