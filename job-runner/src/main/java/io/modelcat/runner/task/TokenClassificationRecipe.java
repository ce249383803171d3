package io.modelcat.runner.task;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.infer.EntitySpan;
import io.modelcat.ml.infer.TokenTagger;
import io.modelcat.ml.metrics.EntityReport;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.LabeledTokens;
import io.modelcat.ml.train.TokenClassificationBatches;
import io.modelcat.ml.train.TrainingResult;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.runner.metrics.MetricRecorder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Token classification: one tag per word (IOB2 entities); seqeval's entity metrics. */
final class TokenClassificationRecipe implements TrainedTask {

    @Override
    public Task task() {
        return Task.TOKEN_CLASSIFICATION;
    }

    @Override
    public HeadType head() {
        return HeadType.TOKEN_CLASSIFICATION;
    }

    @Override
    public TaskExample example(int rowIndex, Map<String, Object> inputs) {
        List<String> words = RowValues.strings(inputs, "tokens");
        List<String> tags = RowValues.strings(inputs, "ner_tags");
        if (words.size() != tags.size()) {
            throw new IllegalArgumentException("tokens has " + words.size() + " words but ner_tags has " + tags.size()
                    + " tags");
        }
        return new TaskExample(rowIndex, null, null, null, words, tags, null, inputs);
    }

    /** "O" first (the usual id 0), then the other tags sorted. */
    @Override
    public List<String> labels(List<TaskExample> rows) {
        TreeSet<String> tags = new TreeSet<>();
        rows.forEach(e -> tags.addAll(e.tags()));
        List<String> ordered = new ArrayList<>();
        if (tags.remove("O")) {
            ordered.add("O");
        }
        ordered.addAll(tags);
        return ordered;
    }

    @Override
    public boolean stratifiedSplits() {
        return false;
    }

    @Override
    public TrainingResult train(FineTuner tuner, TransformerModel model, List<TaskExample> rows, List<String> labels,
                                int maxLength) {
        List<LabeledTokens> tagged = rows.stream().map(e -> new LabeledTokens(e.words(),
                e.tags().stream().map(labels::indexOf).toList())).toList();
        return tuner.train(model, tagged, new TokenClassificationBatches(model.tokenizer(), labels.size(), maxLength));
    }

    @Override
    public Evaluation evaluate(TransformerModel model, List<TaskExample> rows, int batchSize, int maxLength) {
        List<List<String>> predicted = new TokenTagger(model, batchSize, maxLength)
                .tag(rows.stream().map(TaskExample::words).toList());
        List<List<String>> expected = rows.stream().map(TaskExample::tags).toList();
        EntityReport report = EntityReport.of(expected, predicted);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("precision", report.overall().precision());
        metrics.put("recall", report.overall().recall());
        metrics.put("f1", report.overall().f1());
        metrics.put("token_accuracy", report.tokenAccuracy());
        List<MetricRecorder.Prediction> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(Evaluation.SAMPLE_SIZE, rows.size()); i++) {
            sample.add(new MetricRecorder.Prediction(rows.get(i).rowIndex(), rows.get(i).inputs(), expected.get(i),
                    predicted.get(i)));
        }
        return new Evaluation(metrics, sample);
    }

    @Override
    public Object predict(TransformerModel model, PredictSpec spec, int maxLength) {
        List<String> words = List.of(RowValues.input(spec, "text").trim().split("\\s+"));
        List<EntitySpan> spans = new TokenTagger(model, 1, maxLength).entities(List.of(words)).get(0);
        return Map.of("words", words, "entities", spans.stream().map(e -> Map.of("type", e.type(),
                "startWord", e.startWord(), "endWord", e.endWord(), "text", e.text(), "score", e.score())).toList());
    }
}
