package io.modelcat.ml.tokenize;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tokenizer of an encoder-decoder: sources for the encoder, targets (labels) for the decoder, generated ids back to
 * text. A {@code tokenizer.json} ({@link TextTokenizer}: T5, BART) treats both sides alike; Marian's SentencePiece
 * files ({@link MarianTokenizer}) segment each side with its own model.
 */
public interface Seq2SeqTokenizer extends AutoCloseable {

    /** Source ids with the tokenizer's special tokens (the closing {@code </s>}), uncut. */
    long[] encodeSource(String text);

    /**
     * Sources encoded with their special tokens, each cut to {@code maxLength} tokens (keeping the closing special
     * token) and right-padded to the longest.
     */
    TokenizedBatch encodeSources(List<String> texts, int maxLength);

    /** Targets (labels) encoded as transformers' {@code text_target} encodes them, cut and padded as sources are. */
    TokenizedBatch encodeTargets(List<String> texts, int maxLength);

    /** Text for generated ids, optionally without the special tokens. */
    String decode(long[] ids, boolean skipSpecialTokens);

    @Override
    void close();

    /**
     * The tokenizer of the model folder: its {@code tokenizer.json} when it has one, otherwise Marian's
     * {@code source.spm} / {@code target.spm} / {@code vocab.json} as opus-mt repositories ship them.
     *
     * @param padTokenId the id that pads a {@code tokenizer.json}'s batches (the model's {@code pad_token_id});
     *     Marian's pad is its vocabulary's {@code <pad>}
     * @throws IllegalArgumentException when the folder has neither, or they cannot be read
     */
    static Seq2SeqTokenizer load(Path modelDirectory, long padTokenId) {
        Path tokenizerFile = modelDirectory.resolve("tokenizer.json");
        if (Files.isRegularFile(tokenizerFile)) {
            return TextTokenizer.load(tokenizerFile, padTokenId);
        }
        if (MarianTokenizer.isPresent(modelDirectory)) {
            return MarianTokenizer.load(modelDirectory);
        }
        throw new IllegalArgumentException("this encoder-decoder has no tokenizer: neither tokenizer.json nor "
                + "Marian's " + String.join(", ", MarianTokenizer.FILES) + " are in its folder");
    }
}
