package io.modelcat.runner.evaluate;

import io.modelcat.ml.infer.LabelScores;
import io.modelcat.ml.infer.LanguageModelScorer;
import io.modelcat.ml.infer.TextClassifier;
import io.modelcat.ml.infer.TokenTagger;
import io.modelcat.ml.metrics.ClassificationReport;
import io.modelcat.ml.metrics.EntityReport;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.runner.metrics.MetricRecorder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a model over examples of its task in batches and computes the task's metrics, keeping the
 * first predictions as a sample. Used by evaluate jobs and by fine-tune jobs for their validation
 * and test splits, so that the figures of both compare.
 */
public final class ModelEvaluator {

    /** Predictions kept per evaluation for the UI. */
    public static final int SAMPLE_SIZE = 50;

    private final int batchSize;
    private final int maxSequenceLength;

    public ModelEvaluator(int batchSize, int maxSequenceLength) {
        this.batchSize = batchSize;
        this.maxSequenceLength = maxSequenceLength;
    }

    /** Metrics by name, and a sample of predictions. */
    public record Outcome(Map<String, Double> metrics, List<MetricRecorder.Prediction> sample) {
    }

    public Outcome evaluate(TransformerModel model, String task, List<TaskExample> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("there are no usable rows to evaluate on");
        }
        return switch (task) {
            case "text-classification" -> classification(model, examples);
            case "token-classification" -> tagging(model, examples);
            case "text-generation" -> languageModel(model, examples);
            default -> throw new IllegalArgumentException("evaluating task '" + task + "' is not supported");
        };
    }

    private Outcome classification(TransformerModel model, List<TaskExample> examples) {
        int size = Math.min(maxSequenceLength, model.maxSequenceLength());
        TextClassifier classifier = new TextClassifier(model, batchSize, size);
        List<String> texts = examples.stream().map(TaskExample::text).toList();
        boolean pairs = examples.stream().anyMatch(e -> e.secondText() != null);
        List<LabelScores> predicted = pairs
                ? classifier.classifyPairs(texts, examples.stream().map(e -> e.secondText() == null ? "" : e.secondText()).toList())
                : classifier.classify(texts);
        LabelSpace space = LabelSpace.of(model.labels(), examples.stream().map(TaskExample::label).toList());
        // Dataset labels the model does not know count as classes it can only get wrong.
        List<String> labels = new ArrayList<>(space.modelLabels());
        int[] actual = new int[examples.size()];
        int[] guessed = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            String label = examples.get(i).label();
            int id = space.idOf(label);
            if (id < 0) {
                id = labels.indexOf("?" + label);
                if (id < 0) {
                    labels.add("?" + label);
                    id = labels.size() - 1;
                }
            }
            actual[i] = id;
            guessed[i] = predicted.get(i).labelId();
        }
        ClassificationReport report = ClassificationReport.of(actual, guessed, labels);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", report.accuracy());
        metrics.put("precision_macro", report.macro().precision());
        metrics.put("recall_macro", report.macro().recall());
        metrics.put("f1_macro", report.macro().f1());
        metrics.put("f1_micro", report.micro().f1());
        metrics.put("f1_weighted", report.weighted().f1());
        List<MetricRecorder.Prediction> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(SAMPLE_SIZE, examples.size()); i++) {
            LabelScores p = predicted.get(i);
            sample.add(new MetricRecorder.Prediction(examples.get(i).rowIndex(), examples.get(i).inputs(),
                    examples.get(i).label(), Map.of("label", p.label(), "score", p.score())));
        }
        return new Outcome(metrics, sample);
    }

    private Outcome tagging(TransformerModel model, List<TaskExample> examples) {
        int size = Math.min(maxSequenceLength, model.maxSequenceLength());
        List<List<String>> predicted = new TokenTagger(model, batchSize, size)
                .tag(examples.stream().map(TaskExample::words).toList());
        List<List<String>> expected = examples.stream().map(TaskExample::tags).toList();
        EntityReport report = EntityReport.of(expected, predicted);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("precision", report.overall().precision());
        metrics.put("recall", report.overall().recall());
        metrics.put("f1", report.overall().f1());
        metrics.put("token_accuracy", report.tokenAccuracy());
        List<MetricRecorder.Prediction> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(SAMPLE_SIZE, examples.size()); i++) {
            sample.add(new MetricRecorder.Prediction(examples.get(i).rowIndex(), examples.get(i).inputs(),
                    expected.get(i), predicted.get(i)));
        }
        return new Outcome(metrics, sample);
    }

    private Outcome languageModel(TransformerModel model, List<TaskExample> examples) {
        int size = Math.min(maxSequenceLength, model.maxSequenceLength());
        LanguageModelScorer scorer = new LanguageModelScorer(model, batchSize, size);
        LanguageModelScorer.Totals totals = scorer.score(examples.stream().map(TaskExample::text).toList());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("perplexity", totals.perplexity());
        metrics.put("loss", totals.meanNegativeLogLikelihood());
        List<MetricRecorder.Prediction> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(SAMPLE_SIZE, examples.size()); i++) {
            LanguageModelScorer.Totals one = scorer.score(List.of(examples.get(i).text()));
            sample.add(new MetricRecorder.Prediction(examples.get(i).rowIndex(), examples.get(i).inputs(), null,
                    Map.of("perplexity", one.perplexity())));
        }
        return new Outcome(metrics, sample);
    }
}
