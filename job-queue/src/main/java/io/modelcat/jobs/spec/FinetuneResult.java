package io.modelcat.jobs.spec;

import java.util.List;
import java.util.Map;

/**
 * Where the fine-tuned model was saved, its test metrics, how the rows were split, how training ended,
 * the labels of its head (empty for a language model), the rows that could not be used, and the layers a LoRA
 * fine-tune adapted (null when every weight trained).
 */
public record FinetuneResult(String outputUri, Map<String, Double> metrics, Splits splits, int epochsRun,
                             boolean stoppedEarly, List<String> labels, long badRows, List<String> loraTargetModules)
        implements JobResult {

    /** A fine-tune of every weight. */
    public FinetuneResult(String outputUri, Map<String, Double> metrics, Splits splits, int epochsRun,
                          boolean stoppedEarly, List<String> labels, long badRows) {
        this(outputUri, metrics, splits, epochsRun, stoppedEarly, labels, badRows, null);
    }

    /** Rows per split. */
    public record Splits(int train, int validation, int test) {
    }
}
