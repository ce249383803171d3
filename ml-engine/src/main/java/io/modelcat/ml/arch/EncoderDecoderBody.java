package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;

/** One encoder-decoder family's forward pass: the encoder over the source, the decoder with its LM head. */
interface EncoderDecoderBody {

    /** The encoder's last hidden state, (batch, source, hidden). */
    NDArray encode(NDArray ids, NDArray attentionMask);

    /**
     * The decoder over {@code ids} (the whole target, or with a cache only the new positions) and the LM head: logits
     * (batch, new, vocab).
     *
     * @param encoderMask 1 for real source tokens, 0 for padding, (batch, source)
     * @param cache null for a whole target (teacher forcing)
     */
    NDArray decode(NDArray ids, NDArray encoderHidden, NDArray encoderMask, EncoderDecoderCache cache);

    int decoderLayers();
}
