package io.modelcat.runner.task;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.infer.QuestionAnswerer;
import io.modelcat.ml.metrics.SquadScores;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.LabeledAnswer;
import io.modelcat.ml.train.QuestionAnsweringBatches;
import io.modelcat.ml.train.TrainingResult;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.runner.metrics.MetricRecorder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extractive question answering (SQuAD layout): the answer is a span of the context; SQuAD's exact match and
 * F1 against every gold answer of a question (the best counts), with its normalisation.
 */
final class QuestionAnsweringRecipe implements TrainedTask {

    private static final int MAX_ANSWER_TOKENS = 30;

    @Override
    public Task task() {
        return Task.QUESTION_ANSWERING;
    }

    @Override
    public HeadType head() {
        return HeadType.QUESTION_ANSWERING;
    }

    @Override
    public TaskExample example(int rowIndex, Map<String, Object> inputs) {
        String question = RowValues.text(inputs, "question", true);
        String context = RowValues.text(inputs, "context", true);
        if (!(inputs.get("answers") instanceof Map<?, ?> answers)) {
            throw new IllegalArgumentException("answers is not an object {\"text\": [..], \"answer_start\": [..]}");
        }
        List<String> texts = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        if (!(answers.get("text") instanceof List<?> given) || !(answers.get("answer_start") instanceof List<?> offsets)
                || given.size() != offsets.size()) {
            throw new IllegalArgumentException("answers must hold \"text\" and \"answer_start\" lists of the same length");
        }
        for (int i = 0; i < given.size(); i++) {
            String text = String.valueOf(given.get(i));
            if (!(offsets.get(i) instanceof Number start) || start.intValue() != start.doubleValue()
                    || !context.startsWith(text, start.intValue())) {
                throw new IllegalArgumentException("answer '" + text + "' is not in the context at answer_start "
                        + offsets.get(i));
            }
            texts.add(text);
            starts.add(start.intValue());
        }
        return new TaskExample(rowIndex, question, context, null, null, null,
                new TaskExample.Answers(List.copyOf(texts), List.copyOf(starts)), inputs);
    }

    @Override
    public List<String> labels(List<TaskExample> rows) {
        return List.of();
    }

    @Override
    public boolean stratifiedSplits() {
        return false;
    }

    /** Trains on each question's first answer, as transformers' question-answering example does. */
    @Override
    public TrainingResult train(FineTuner tuner, TransformerModel model, List<TaskExample> rows, List<String> labels,
                                int maxLength) {
        List<LabeledAnswer> examples = rows.stream().map(e -> e.answers().texts().isEmpty()
                ? LabeledAnswer.unanswerable(e.text(), e.secondText())
                : new LabeledAnswer(e.text(), e.secondText(), e.answers().starts().get(0), e.answers().texts().get(0)))
                .toList();
        return tuner.train(model, examples, new QuestionAnsweringBatches(model.tokenizer(), maxLength,
                model.config().intValue("pad_token_id", 0)));
    }

    @Override
    public Evaluation evaluate(TransformerModel model, List<TaskExample> rows, int batchSize, int maxLength) {
        List<QuestionAnswerer.Answer> answers = new QuestionAnswerer(model, batchSize, maxLength, MAX_ANSWER_TOKENS)
                .answer(rows.stream().map(TaskExample::text).toList(), rows.stream().map(TaskExample::secondText).toList());
        List<String> predicted = answers.stream().map(a -> a == null ? "" : a.text()).toList();
        // An unanswerable question's gold answer is the empty text, as in SQuAD v2's official script.
        SquadScores scores = SquadScores.of(predicted, rows.stream()
                .map(e -> e.answers().texts().isEmpty() ? List.of("") : e.answers().texts()).toList());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("exact_match", scores.exactMatch());
        metrics.put("f1", scores.f1());
        List<MetricRecorder.Prediction> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(Evaluation.SAMPLE_SIZE, rows.size()); i++) {
            QuestionAnswerer.Answer answer = answers.get(i);
            sample.add(new MetricRecorder.Prediction(rows.get(i).rowIndex(), rows.get(i).inputs(),
                    rows.get(i).answers().texts(), answer == null ? Map.of("answer", "")
                            : Map.of("answer", answer.text(), "score", answer.score())));
        }
        return new Evaluation(metrics, sample);
    }

    @Override
    public Object predict(TransformerModel model, PredictSpec spec, int maxLength) {
        QuestionAnswerer.Answer answer = new QuestionAnswerer(model, 1, maxLength, MAX_ANSWER_TOKENS)
                .answer(RowValues.input(spec, "question"), RowValues.input(spec, "context"));
        return Map.of("answer", answer.text(), "start", answer.start(), "end", answer.end(), "score", answer.score());
    }
}
