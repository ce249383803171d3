package io.modelcat.jobs.spec;

/**
 * What a batch scoring job wrote: how many rows it read, scored and could not score, in how many
 * mini-batches (and how many of them an earlier attempt had finished), and the folder holding
 * {@code predictions.csv} and {@code predictions.jsonl} (a {@code file:} URI under the runners' shared home).
 */
public record BatchScoreResult(long rows, long scored, long badRows, int miniBatches, int resumedMiniBatches,
                               String outputUri) implements JobResult {

    public static final String CSV = "predictions.csv";
    public static final String JSONL = "predictions.jsonl";
}
