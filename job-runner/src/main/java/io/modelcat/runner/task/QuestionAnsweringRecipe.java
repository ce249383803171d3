package io.modelcat.runner.task;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.QuestionAnswerer;
import io.modelcat.ml.model.TransformerModel;
import java.util.Map;

/** Extractive question answering: the answer span in the context (sample inference only, so far). */
final class QuestionAnsweringRecipe implements TaskRecipe {

    private static final int MAX_ANSWER_TOKENS = 30;

    @Override
    public Task task() {
        return Task.QUESTION_ANSWERING;
    }

    @Override
    public Object predict(TransformerModel model, PredictSpec spec, int maxLength) {
        QuestionAnswerer.Answer answer = new QuestionAnswerer(model, 1, maxLength, MAX_ANSWER_TOKENS)
                .answer(RowValues.input(spec, "question"), RowValues.input(spec, "context"));
        return Map.of("answer", answer.text(), "start", answer.start(), "end", answer.end(), "score", answer.score());
    }
}
