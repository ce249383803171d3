package io.modelcat.ml.tokenize;

/** A tokenised batch of pre-split sentences with each token's word index (-1: special token or padding). */
public record WordAlignedBatch(TokenizedBatch tokens, long[][] wordIds) {}
