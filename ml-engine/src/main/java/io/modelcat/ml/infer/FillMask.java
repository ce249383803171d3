package io.modelcat.ml.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.metrics.TopKAccuracy;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.tokenize.TokenVocabulary;
import io.modelcat.ml.tokenize.TokenizedBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Fill-mask inference with a masked language model: for every mask token ({@code [MASK]} for
 * BERT/DistilBERT, {@code <mask>} for RoBERTa) in a text, the most likely tokens with their
 * softmax probabilities, as {@code transformers}' fill-mask pipeline.
 */
public final class FillMask {

    /** A candidate for one mask: token id, the token as the vocabulary writes it, and its probability. */
    public record Candidate(long tokenId, String token, double score) {}

    /** The candidates, best first, for the mask at token {@code position} of the encoded text. */
    public record MaskPrediction(int position, List<Candidate> candidates) {

        public MaskPrediction {
            candidates = List.copyOf(candidates);
        }

        public long[] rankedIds() {
            return candidates.stream().mapToLong(Candidate::tokenId).toArray();
        }
    }

    private final TransformerModel model;
    private final int batchSize;
    private final int maxSequenceLength;
    private final TokenVocabulary vocabulary;
    private final long maskTokenId;
    private final String[] tokensById;

    public FillMask(TransformerModel model, int batchSize, int maxSequenceLength) {
        if (model.task() != HeadType.MASKED_LM) {
            throw new IllegalArgumentException("not a masked language model: " + model.task());
        }
        this.model = model;
        this.batchSize = batchSize;
        this.maxSequenceLength = model.fitSequenceLength(maxSequenceLength);
        this.vocabulary = TokenVocabulary.read(model.tokenizer().tokenizerFile());
        this.maskTokenId = vocabulary.firstIdOf("[MASK]", "<mask>").orElseThrow(() ->
                new IllegalArgumentException("the tokenizer has neither [MASK] nor <mask>"));
        this.tokensById = new String[model.config().requiredInt("vocab_size")];
    }

    public long maskTokenId() {
        return maskTokenId;
    }

    /** One prediction per mask token in {@code text}, in order; empty when it has no mask. */
    public List<MaskPrediction> fill(String text, int topK) {
        return fill(List.of(text), topK).get(0);
    }

    public List<List<MaskPrediction>> fill(List<String> texts, int topK) {
        List<List<MaskPrediction>> results = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += batchSize) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + batchSize));
            results.addAll(predict(model.tokenizer().encodeBatch(batch, maxSequenceLength), topK));
        }
        return results;
    }

    /**
     * Fill-mask on token ids that already hold {@link #maskTokenId()} (with the special tokens the
     * model expects); each sequence must fit the model's positions.
     */
    public List<List<MaskPrediction>> fillIds(List<long[]> sequences, int topK) {
        long padId = model.config().intValue("pad_token_id", 0);
        List<List<MaskPrediction>> results = new ArrayList<>(sequences.size());
        for (int start = 0; start < sequences.size(); start += batchSize) {
            List<long[]> batch = sequences.subList(start, Math.min(sequences.size(), start + batchSize));
            int longest = batch.stream().mapToInt(ids -> ids.length).max().orElse(0);
            long[][] ids = new long[batch.size()][longest];
            long[][] mask = new long[batch.size()][longest];
            for (int row = 0; row < batch.size(); row++) {
                Arrays.fill(ids[row], padId);
                System.arraycopy(batch.get(row), 0, ids[row], 0, batch.get(row).length);
                Arrays.fill(mask[row], 0, batch.get(row).length, 1L);
            }
            results.addAll(predict(new TokenizedBatch(ids, mask, new long[batch.size()][longest]), topK));
        }
        return results;
    }

    private List<List<MaskPrediction>> predict(TokenizedBatch tokens, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be >= 1: " + topK);
        }
        List<List<MaskPrediction>> results = new ArrayList<>(tokens.size());
        int sequence = tokens.sequenceLength();
        float[] probabilities;
        int vocabularySize;
        try (NDManager batchManager = model.manager().newSubManager()) {
            NDArray logits = model.forward(tokens.toNDList(batchManager), false).singletonOrThrow();
            vocabularySize = (int) logits.getShape().get(2);
            probabilities = logits.softmax(-1).toFloatArray();
        }
        for (int row = 0; row < tokens.size(); row++) {
            List<MaskPrediction> predictions = new ArrayList<>();
            for (int position = 0; position < sequence; position++) {
                if (tokens.attentionMask()[row][position] == 1 && tokens.inputIds()[row][position] == maskTokenId) {
                    int offset = (row * sequence + position) * vocabularySize;
                    predictions.add(new MaskPrediction(position,
                            best(probabilities, offset, vocabularySize, topK)));
                }
            }
            results.add(predictions);
        }
        return results;
    }

    /**
     * Top-k accuracy over masked texts. {@code goldTokens} gives, per text, the right token for each
     * of its masks in order (as the vocabulary writes it, e.g. {@code "cat"} or {@code "Ġcat"}).
     */
    public TopKAccuracy evaluate(List<String> maskedTexts, List<List<String>> goldTokens, int maxK) {
        if (maskedTexts.size() != goldTokens.size()) {
            throw new IllegalArgumentException(maskedTexts.size() + " texts but " + goldTokens.size() + " answers");
        }
        TopKAccuracy accuracy = new TopKAccuracy();
        List<List<MaskPrediction>> predictions = fill(maskedTexts, maxK);
        for (int index = 0; index < maskedTexts.size(); index++) {
            List<MaskPrediction> masks = predictions.get(index);
            List<String> gold = goldTokens.get(index);
            if (masks.size() != gold.size()) {
                throw new IllegalArgumentException("text " + index + " has " + masks.size() + " masks (after truncation)"
                        + " but " + gold.size() + " answers");
            }
            for (int mask = 0; mask < masks.size(); mask++) {
                String token = gold.get(mask);
                long goldId = vocabulary.idOf(token).orElseThrow(() ->
                        new IllegalArgumentException("'" + token + "' is not in the vocabulary"));
                accuracy.add(goldId, masks.get(mask).rankedIds());
            }
        }
        return accuracy;
    }

    private List<Candidate> best(float[] probabilities, int offset, int length, int topK) {
        Integer[] order = new Integer[length];
        for (int index = 0; index < length; index++) {
            order[index] = index;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer index) -> -probabilities[offset + index]));
        List<Candidate> candidates = new ArrayList<>();
        for (int rank = 0; rank < Math.min(topK, length); rank++) {
            int id = order[rank];
            candidates.add(new Candidate(id, token(id), probabilities[offset + id]));
        }
        return candidates;
    }

    private String token(int id) {
        if (id < tokensById.length && tokensById[id] != null) {
            return tokensById[id];
        }
        String token = model.tokenizer().decode(new long[] {id}, false).strip();
        if (id < tokensById.length) {
            tokensById[id] = token;
        }
        return token;
    }
}
