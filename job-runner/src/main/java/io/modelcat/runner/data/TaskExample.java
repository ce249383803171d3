package io.modelcat.runner.data;

import java.util.List;
import java.util.Map;

/**
 * One usable row of a dataset, in the task's terms: a text (and optional second text) with a label,
 * words with tags, a text to model, or a question (text) with its context (second text) and answers.
 * {@code inputs} keeps the mapped values for prediction samples.
 */
public record TaskExample(int rowIndex, String text, String secondText, String label, List<String> words,
                          List<String> tags, Answers answers, Map<String, Object> inputs) {

    /** SQuAD-style answers: their texts and where each starts in the context (characters); empty: unanswerable. */
    public record Answers(List<String> texts, List<Integer> starts) {
    }
}
