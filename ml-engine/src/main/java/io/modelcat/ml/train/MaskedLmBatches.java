package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
import io.modelcat.ml.tokenize.TextTokenizer;
import io.modelcat.ml.tokenize.TokenVocabulary;
import io.modelcat.ml.tokenize.TokenizedBatch;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Encodes plain texts for masked-LM training as {@code transformers}' {@code DataCollatorForLanguageModeling}:
 * each non-special token is selected with probability {@code maskProbability} (0.15); a selected
 * token becomes the mask token 80% of the time, a random token 10%, and stays 10%; only selected
 * positions are trained, to predict the original token. A text with no selected token gets one
 * (at random) so that every text teaches something. Seeded: the masks are reproducible.
 */
public final class MaskedLmBatches implements BatchEncoder<String> {

    private final TextTokenizer tokenizer;
    private final int vocabularySize;
    private final int maxSequenceLength;
    private final long maskTokenId;
    private final Set<Long> specialIds;
    private final double maskProbability;
    private final Random random;

    public MaskedLmBatches(TextTokenizer tokenizer, int vocabularySize, int maxSequenceLength, double maskProbability,
            long seed) {
        if (!(maskProbability > 0 && maskProbability <= 1)) {
            throw new IllegalArgumentException("mask probability must be in (0, 1]: " + maskProbability);
        }
        TokenVocabulary vocabulary = TokenVocabulary.read(tokenizer.tokenizerFile());
        this.tokenizer = tokenizer;
        this.vocabularySize = vocabularySize;
        this.maxSequenceLength = maxSequenceLength;
        this.maskTokenId = vocabulary.firstIdOf("[MASK]", "<mask>").orElseThrow(() ->
                new IllegalArgumentException("the tokenizer has neither [MASK] nor <mask>"));
        this.specialIds = vocabulary.specialIds();
        this.maskProbability = maskProbability;
        this.random = new Random(seed);
    }

    @Override
    public EncodedBatch encode(List<String> texts, NDManager manager) {
        TokenizedBatch tokens = tokenizer.encodeBatch(texts, maxSequenceLength);
        int sequence = tokens.sequenceLength();
        long[][] inputIds = new long[texts.size()][];
        Targets targets = new Targets(vocabularySize, texts.size(), sequence);
        for (int row = 0; row < texts.size(); row++) {
            long[] original = tokens.inputIds()[row];
            long[] masked = original.clone();
            boolean[] selected = new boolean[sequence];
            int candidates = 0;
            int chosen = 0;
            for (int position = 0; position < sequence; position++) {
                if (maskable(tokens, row, position)) {
                    candidates++;
                    if (random.nextDouble() < maskProbability) {
                        selected[position] = true;
                        chosen++;
                    }
                }
            }
            if (chosen == 0 && candidates > 0) {
                int pick = random.nextInt(candidates);
                for (int position = 0; position < sequence; position++) {
                    if (maskable(tokens, row, position) && pick-- == 0) {
                        selected[position] = true;
                    }
                }
            }
            for (int position = 0; position < sequence; position++) {
                if (!selected[position]) {
                    continue;
                }
                double draw = random.nextDouble();
                if (draw < 0.8) {
                    masked[position] = maskTokenId;
                } else if (draw < 0.9) {
                    masked[position] = random.nextInt(vocabularySize);
                }
                targets.set(row * sequence + position, original[position]);
            }
            inputIds[row] = masked;
        }
        TokenizedBatch maskedTokens = new TokenizedBatch(inputIds, tokens.attentionMask(), tokens.tokenTypeIds());
        return targets.batch(maskedTokens.toNDList(manager), manager);
    }

    private boolean maskable(TokenizedBatch tokens, int row, int position) {
        return tokens.attentionMask()[row][position] == 1 && !specialIds.contains(tokens.inputIds()[row][position]);
    }
}
