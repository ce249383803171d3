package io.modelcat.ml.tokenize;

import java.util.Arrays;
import java.util.List;

/**
 * A question and its context encoded as one pair for extractive question answering, with what
 * span decoding needs: for each token, whether it is a context token and its character offsets in
 * the context ({@code -1} for question, special and padding tokens).
 *
 * @param tokens the model inputs (one row)
 * @param contextToken true where the token comes from the context
 * @param contextStart the token's first character in the context (inclusive)
 * @param contextEnd the character after the token's last one in the context (exclusive)
 * @param truncated whether context tokens were dropped to fit the maximum length
 */
public record QuestionContextEncoding(TokenizedBatch tokens, boolean[] contextToken, int[] contextStart,
        int[] contextEnd, boolean truncated) {

    public int length() {
        return contextToken.length;
    }

    /** Right-pads single-row encodings into one batch. */
    public static TokenizedBatch stack(List<QuestionContextEncoding> encodings, long padId) {
        int longest = encodings.stream().mapToInt(QuestionContextEncoding::length).max().orElse(0);
        long[][] ids = new long[encodings.size()][longest];
        long[][] mask = new long[encodings.size()][longest];
        long[][] types = new long[encodings.size()][longest];
        for (int row = 0; row < encodings.size(); row++) {
            TokenizedBatch tokens = encodings.get(row).tokens();
            int length = encodings.get(row).length();
            Arrays.fill(ids[row], padId);
            System.arraycopy(tokens.inputIds()[0], 0, ids[row], 0, length);
            System.arraycopy(tokens.attentionMask()[0], 0, mask[row], 0, length);
            System.arraycopy(tokens.tokenTypeIds()[0], 0, types[row], 0, length);
        }
        return new TokenizedBatch(ids, mask, types);
    }
}
