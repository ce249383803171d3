package io.modelcat.jobs.spec;

import java.util.List;
import java.util.Map;

/**
 * Where the fine-tuned model was saved, its test metrics, how the rows were split, how training ended,
 * the labels of its head (empty for a language model) and the rows that could not be used.
 */
public record FinetuneResult(String outputUri, Map<String, Double> metrics, Splits splits, int epochsRun,
                             boolean stoppedEarly, List<String> labels, long badRows) implements JobResult {

    /** Rows per split. */
    public record Splits(int train, int validation, int test) {
    }
}
