package io.modelcat.ml.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.metrics.EntityReport;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.tokenize.WordAlignedBatch;
import io.modelcat.ml.train.LabeledTokens;
import java.util.ArrayList;
import java.util.List;

/** Tags each word of pre-split sentences with a token classification model (the first sub-token decides). */
public final class TokenTagger {

    private final TransformerModel model;
    private final int batchSize;
    private final int maxSequenceLength;

    public TokenTagger(TransformerModel model, int batchSize, int maxSequenceLength) {
        if (model.task() != HeadType.TOKEN_CLASSIFICATION) {
            throw new IllegalArgumentException("not a token classification model: " + model.task());
        }
        this.model = model;
        this.batchSize = batchSize;
        this.maxSequenceLength = model.fitSequenceLength(maxSequenceLength);
    }

    /** Tags labelled sentences and scores the tags at entity level (seqeval) and per token. */
    public EntityReport evaluate(List<LabeledTokens> examples) {
        List<List<String>> actual = examples.stream()
                .map(example -> example.labels().stream().map(model.labels()::get).toList())
                .toList();
        return EntityReport.of(actual, tag(examples.stream().map(LabeledTokens::words).toList()));
    }

    /**
     * One label per word. Words cut off by truncation get the first label (by convention "O").
     */
    public List<List<String>> tag(List<List<String>> sentences) {
        return tagWithScores(sentences).stream()
                .map(tags -> tags.stream().map(WordTag::label).toList())
                .toList();
    }

    /** A word's tag with its softmax probability (of the word's first sub-token). */
    public record WordTag(String label, double score) {}

    /**
     * One tag per word with its probability. Words cut off by truncation get the first label with
     * score 0.
     */
    public List<List<WordTag>> tagWithScores(List<List<String>> sentences) {
        List<List<WordTag>> tagged = new ArrayList<>(sentences.size());
        int labelCount = model.labels().size();
        for (int start = 0; start < sentences.size(); start += batchSize) {
            List<List<String>> batch = sentences.subList(start, Math.min(sentences.size(), start + batchSize));
            WordAlignedBatch encoded = model.tokenizer().encodeWordsBatch(batch, maxSequenceLength);
            float[] logits;
            try (NDManager batchManager = model.manager().newSubManager()) {
                NDArray output = model.forward(encoded.tokens().toNDList(batchManager), false).singletonOrThrow();
                logits = output.toFloatArray();
            }
            int sequence = encoded.tokens().sequenceLength();
            for (int row = 0; row < batch.size(); row++) {
                List<WordTag> labels = new ArrayList<>();
                for (int word = 0; word < batch.get(row).size(); word++) {
                    labels.add(new WordTag(model.labels().get(0), 0.0));
                }
                long previousWord = -1;
                for (int position = 0; position < sequence; position++) {
                    long word = encoded.wordIds()[row][position];
                    if (word >= 0 && word != previousWord) {
                        int offset = (row * sequence + position) * labelCount;
                        int best = argmax(logits, offset, labelCount);
                        labels.set((int) word, new WordTag(model.labels().get(best),
                                probability(logits, offset, labelCount, best)));
                    }
                    previousWord = word;
                }
                tagged.add(labels);
            }
        }
        return tagged;
    }

    /**
     * Entity spans per sentence, aggregated from the word tags as {@code transformers}'
     * {@code aggregation_strategy="simple"} (see {@link EntityAggregator}).
     */
    public List<List<EntitySpan>> entities(List<List<String>> sentences) {
        List<List<WordTag>> tagged = tagWithScores(sentences);
        List<List<EntitySpan>> entities = new ArrayList<>(sentences.size());
        for (int index = 0; index < sentences.size(); index++) {
            List<WordTag> tags = tagged.get(index);
            entities.add(EntityAggregator.aggregate(sentences.get(index),
                    tags.stream().map(WordTag::label).toList(),
                    tags.stream().mapToDouble(WordTag::score).toArray()));
        }
        return entities;
    }

    private static double probability(float[] logits, int offset, int length, int index) {
        double max = logits[offset + index];
        double sum = 0;
        for (int label = 0; label < length; label++) {
            sum += Math.exp(logits[offset + label] - max);
        }
        return 1.0 / sum;
    }

    private static int argmax(float[] values, int offset, int length) {
        int best = 0;
        for (int index = 1; index < length; index++) {
            if (values[offset + index] > values[offset + best]) {
                best = index;
            }
        }
        return best;
    }
}
