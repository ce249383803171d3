package io.modelcat.ml.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.metrics.ClassificationReport;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.tokenize.TokenizedBatch;
import io.modelcat.ml.train.LabeledPair;
import io.modelcat.ml.train.LabeledText;
import java.util.ArrayList;
import java.util.List;

/** Classifies texts with a sequence classification model, in padded batches, each in its own manager. */
public final class TextClassifier {

    private final TransformerModel model;
    private final int batchSize;
    private final int maxSequenceLength;

    public TextClassifier(TransformerModel model, int batchSize, int maxSequenceLength) {
        if (model.task() != HeadType.SEQUENCE_CLASSIFICATION) {
            throw new IllegalArgumentException("not a sequence classification model: " + model.task());
        }
        this.model = model;
        this.batchSize = batchSize;
        this.maxSequenceLength = model.fitSequenceLength(maxSequenceLength);
    }

    public List<LabelScores> classify(List<String> texts) {
        List<LabelScores> results = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += batchSize) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + batchSize));
            results.addAll(scores(model.tokenizer().encodeBatch(batch, maxSequenceLength)));
        }
        return results;
    }

    /** Classifies text pairs (premise and hypothesis, question and passage, ...). */
    public List<LabelScores> classifyPairs(List<String> firstTexts, List<String> secondTexts) {
        List<LabelScores> results = new ArrayList<>(firstTexts.size());
        for (int start = 0; start < firstTexts.size(); start += batchSize) {
            int end = Math.min(firstTexts.size(), start + batchSize);
            results.addAll(scores(model.tokenizer().encodePairBatch(firstTexts.subList(start, end),
                    secondTexts.subList(start, end), maxSequenceLength)));
        }
        return results;
    }

    private List<LabelScores> scores(TokenizedBatch batch) {
        int labelCount = model.labels().size();
        float[] probabilities;
        try (NDManager batchManager = model.manager().newSubManager()) {
            NDArray logits = model.forward(batch.toNDList(batchManager), false).singletonOrThrow();
            probabilities = logits.softmax(-1).toFloatArray();
        }
        List<LabelScores> results = new ArrayList<>(batch.size());
        for (int row = 0; row < batch.size(); row++) {
            List<Double> scores = new ArrayList<>(labelCount);
            int best = 0;
            for (int label = 0; label < labelCount; label++) {
                scores.add((double) probabilities[row * labelCount + label]);
                if (scores.get(label) > scores.get(best)) {
                    best = label;
                }
            }
            results.add(new LabelScores(model.labels().get(best), best, scores));
        }
        return results;
    }

    /** Classifies labelled pairs and scores the predictions against their labels. */
    public ClassificationReport evaluatePairs(List<LabeledPair> examples) {
        int[] actual = examples.stream().mapToInt(LabeledPair::label).toArray();
        int[] predicted = classifyPairs(examples.stream().map(LabeledPair::first).toList(),
                examples.stream().map(LabeledPair::second).toList()).stream().mapToInt(LabelScores::labelId).toArray();
        return ClassificationReport.of(actual, predicted, model.labels());
    }

    /** Classifies labelled examples and scores the predictions against their labels. */
    public ClassificationReport evaluate(List<LabeledText> examples) {
        int[] actual = examples.stream().mapToInt(LabeledText::label).toArray();
        int[] predicted = predictIds(examples.stream().map(LabeledText::text).toList());
        return ClassificationReport.of(actual, predicted, model.labels());
    }

    /** The predicted label id for each text, for metrics. */
    public int[] predictIds(List<String> texts) {
        return classify(texts).stream().mapToInt(LabelScores::labelId).toArray();
    }
}
