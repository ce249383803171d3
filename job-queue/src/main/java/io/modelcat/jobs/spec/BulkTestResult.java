package io.modelcat.jobs.spec;

import java.util.List;
import java.util.Map;

/**
 * What a bulk test's job did: rows per run, how many this job called the LLMs for (the others were answered by an
 * earlier attempt or job), how many failed, the tokens this job used, and each run's metrics.
 */
public record BulkTestResult(long rows, long calledRows, long failedRows, long promptTokens, long completionTokens,
                             List<RunMetrics> runs) implements JobResult {

    public BulkTestResult {
        runs = runs == null ? List.of() : List.copyOf(runs);
    }

    /**
     * One run's (variant's) figures: rows answered and failed, mean latency, tokens and estimated cost (null when no
     * call had a price), the evaluation methods' metrics, and the confusion matrix of each {@code classification}
     * method (by the metric prefix).
     */
    public record RunMetrics(String variant, long rows, long failedRows, double meanLatencyMillis, long promptTokens,
                             long completionTokens, Double costUsd, Map<String, Double> metrics,
                             Map<String, Confusion> confusion) {
    }

    /** counts[i][j]: rows whose ground truth is labels[i] and output labels[j]. */
    public record Confusion(List<String> labels, long[][] counts) {
    }
}
