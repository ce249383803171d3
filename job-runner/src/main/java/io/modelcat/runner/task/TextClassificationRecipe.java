package io.modelcat.runner.task;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.infer.LabelScores;
import io.modelcat.ml.infer.TextClassifier;
import io.modelcat.ml.metrics.ClassificationReport;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.LabeledPair;
import io.modelcat.ml.train.LabeledText;
import io.modelcat.ml.train.SentencePairClassificationBatches;
import io.modelcat.ml.train.TrainingResult;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.runner.metrics.MetricRecorder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Text classification: one text, or a pair, to one of the labels; scikit-learn's metrics. */
final class TextClassificationRecipe implements TrainedTask {

    @Override
    public Task task() {
        return Task.TEXT_CLASSIFICATION;
    }

    @Override
    public HeadType head() {
        return HeadType.SEQUENCE_CLASSIFICATION;
    }

    @Override
    public TaskExample example(int rowIndex, Map<String, Object> inputs) {
        return new TaskExample(rowIndex, RowValues.text(inputs, "sentence1", true), RowValues.text(inputs, "sentence2", false),
                RowValues.label(inputs.get("label")), null, null, null, inputs);
    }

    @Override
    public List<String> labels(List<TaskExample> rows) {
        return LabelSpace.labelsFor(rows.stream().map(TaskExample::label).toList());
    }

    @Override
    public boolean stratifiedSplits() {
        return true;
    }

    @Override
    public TrainingResult train(FineTuner tuner, TransformerModel model, List<TaskExample> rows, List<String> labels,
                                int maxLength) {
        LabelSpace space = LabelSpace.of(labels, labels);
        if (rows.stream().anyMatch(e -> e.secondText() != null)) {
            List<LabeledPair> pairs = rows.stream().map(e -> new LabeledPair(e.text(),
                    e.secondText() == null ? "" : e.secondText(), space.idOf(e.label()))).toList();
            return tuner.train(model, pairs, new SentencePairClassificationBatches(model.tokenizer(), labels.size(),
                    maxLength));
        }
        return tuner.trainSequenceClassification(model, rows.stream()
                .map(e -> new LabeledText(e.text(), space.idOf(e.label()))).toList());
    }

    @Override
    public Evaluation evaluate(TransformerModel model, List<TaskExample> rows, int batchSize, int maxLength) {
        TextClassifier classifier = new TextClassifier(model, batchSize, maxLength);
        List<String> texts = rows.stream().map(TaskExample::text).toList();
        boolean pairs = rows.stream().anyMatch(e -> e.secondText() != null);
        List<LabelScores> predicted = pairs
                ? classifier.classifyPairs(texts, rows.stream().map(e -> e.secondText() == null ? "" : e.secondText()).toList())
                : classifier.classify(texts);
        LabelSpace space = LabelSpace.of(model.labels(), rows.stream().map(TaskExample::label).toList());
        // Dataset labels the model does not know count as classes it can only get wrong.
        List<String> labels = new ArrayList<>(space.modelLabels());
        int[] actual = new int[rows.size()];
        int[] guessed = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String label = rows.get(i).label();
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
        for (int i = 0; i < Math.min(Evaluation.SAMPLE_SIZE, rows.size()); i++) {
            LabelScores p = predicted.get(i);
            sample.add(new MetricRecorder.Prediction(rows.get(i).rowIndex(), rows.get(i).inputs(), rows.get(i).label(),
                    Map.of("label", p.label(), "score", p.score())));
        }
        return new Evaluation(metrics, sample);
    }

    @Override
    public Object predict(TransformerModel model, PredictSpec spec, int maxLength) {
        TextClassifier classifier = new TextClassifier(model, 1, maxLength);
        String text = RowValues.input(spec, "text");
        String second = spec.inputs().get("text2");
        LabelScores scores = second == null ? classifier.classify(List.of(text)).get(0)
                : classifier.classifyPairs(List.of(text), List.of(second)).get(0);
        return prediction(model, scores);
    }

    /** Single texts in one forward pass (padded to the longest); pairs, or a mix, one at a time. */
    @Override
    public List<Object> predictAll(TransformerModel model, List<PredictSpec> specs, int maxLength) {
        if (specs.isEmpty() || specs.stream().anyMatch(s -> s.inputs().get("text2") != null)) {
            return specs.stream().map(spec -> predict(model, spec, maxLength)).toList();
        }
        List<String> texts = specs.stream().map(s -> RowValues.input(s, "text")).toList();
        return new TextClassifier(model, specs.size(), maxLength).classify(texts).stream()
                .map(scores -> (Object) prediction(model, scores)).toList();
    }

    private static Map<String, Object> prediction(TransformerModel model, LabelScores scores) {
        List<Map<String, Object>> labels = new ArrayList<>();
        for (int i = 0; i < model.labels().size(); i++) {
            labels.add(Map.of("label", model.labels().get(i), "score", scores.probabilities().get(i)));
        }
        labels.sort((a, b) -> Double.compare((Double) b.get("score"), (Double) a.get("score")));
        return Map.of("label", scores.label(), "score", scores.score(), "labels", labels);
    }
}
