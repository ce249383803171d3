package io.modelcat.runner.data;

import java.util.List;
import java.util.Map;

/**
 * One usable row of a dataset, in the task's terms: a text (and optional second text) with a label,
 * words with tags, or a text to model. {@code inputs} keeps the mapped values for prediction samples.
 */
public record TaskExample(int rowIndex, String text, String secondText, String label, List<String> words,
                          List<String> tags, Map<String, Object> inputs) {
}
