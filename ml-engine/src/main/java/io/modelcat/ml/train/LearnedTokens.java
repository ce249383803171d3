package io.modelcat.ml.train;

/**
 * One causal-LM training row as token ids, with the tokens to learn: where {@code learned[i]} is true, position
 * {@code i - 1} is trained to predict token {@code i}; the others (a prompt, a user's turn, a template's
 * framing) are context only.
 */
public record LearnedTokens(long[] ids, boolean[] learned) {

    public LearnedTokens {
        if (ids.length != learned.length) {
            throw new IllegalArgumentException(ids.length + " tokens with " + learned.length + " flags");
        }
        ids = ids.clone();
        learned = learned.clone();
    }

    /** Every token but the first learned: a text learned whole. */
    public static LearnedTokens whole(long[] ids) {
        boolean[] learned = new boolean[ids.length];
        java.util.Arrays.fill(learned, 1, ids.length, true);
        return new LearnedTokens(ids, learned);
    }

    /** Pieces one after another, each learned or not. */
    public static LearnedTokens of(java.util.List<long[]> pieces, java.util.List<Boolean> learnedPieces) {
        int length = pieces.stream().mapToInt(p -> p.length).sum();
        long[] ids = new long[length];
        boolean[] learned = new boolean[length];
        int at = 0;
        for (int index = 0; index < pieces.size(); index++) {
            long[] piece = pieces.get(index);
            System.arraycopy(piece, 0, ids, at, piece.length);
            java.util.Arrays.fill(learned, at, at + piece.length, learnedPieces.get(index));
            at += piece.length;
        }
        return new LearnedTokens(ids, learned);
    }

    @Override
    public long[] ids() {
        return ids.clone();
    }

    @Override
    public boolean[] learned() {
        return learned.clone();
    }
}
