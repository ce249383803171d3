package io.modelcat.jobs.spec;

import java.util.List;

/**
 * What a batch scoring job wrote: how many rows it read, scored and could not score, in how many
 * mini-batches (and how many of them an earlier attempt had finished), the folder holding its outputs (a
 * {@code file:} URI under the runners' shared home) and their names: the CSV the invocation named
 * ({@code predictions.csv} by default) and the JSON lines beside it ({@link #jsonlFor}). Results written before
 * the names were recorded hold none: theirs are the defaults.
 */
public record BatchScoreResult(long rows, long scored, long badRows, int miniBatches, int resumedMiniBatches,
                               String outputUri, String csvFile, String jsonlFile) implements JobResult {

    public static final String CSV = "predictions.csv";
    public static final String JSONL = "predictions.jsonl";

    /** The JSON lines written beside a CSV output: the same name ending in {@code .jsonl}. */
    public static String jsonlFor(String csvFile) {
        return csvFile.substring(0, csvFile.length() - ".csv".length()) + ".jsonl";
    }

    /** The output files' names: the CSV, then the JSON lines. */
    public List<String> files() {
        return List.of(csvFile == null ? CSV : csvFile, jsonlFile == null ? JSONL : jsonlFile);
    }
}
