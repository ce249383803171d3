package io.modelcat.jobs.spec;

import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.task.Task;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Score every row of a dataset with a model version, in mini-batches, for a batch endpoint
 * (docs/deployments.md): the job writes {@code predictions.csv} and {@code predictions.jsonl}, or the CSV file the
 * invocation names and the JSON lines beside it.
 *
 * @param inputFileName  the dataset's file name, written as {@code batch_input_file_name} in predictions.csv
 * @param inputColumns   the task's predict inputs ({@link Task#predictInputs()}) to dataset columns
 * @param errorThreshold bad rows tolerated before the job fails; -1 tolerates any number
 * @param maxRetries     attempts of a failing mini-batch after its first one
 * @param instanceCount  runners that score the mini-batches at once: the invocation's own job and
 *                       {@code instanceCount - 1} {@link BatchScoreHelperSpec helpers}
 * @param outputFileName the CSV output's name ({@link #OUTPUT_FILE_NAME}); null: {@code predictions.csv}
 */
public record BatchScoreSpec(Task task, UUID modelVersionId, String artifactUri, DatasetRef dataset,
                             String inputFileName, Map<String, String> inputColumns, int miniBatchSize,
                             int errorThreshold, int maxRetries, int instanceCount, String outputFileName)
        implements JobSpec {

    /** What an output file's name may be: a plain file name ending in {@code .csv}, as Azure's output_file_name. */
    public static final Pattern OUTPUT_FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}\\.csv");

    public static final Setting MINI_BATCH_SIZE = Setting.integer("miniBatchSize", 10, 1, 10_000,
            "rows per mini-batch: the unit of progress, of retries and of resuming");
    public static final Setting ERROR_THRESHOLD = Setting.integer("errorThreshold", -1, -1, 1_000_000_000,
            "bad rows tolerated before the job fails; -1 ignores bad rows");
    public static final Setting MAX_RETRIES = Setting.integer("maxRetries", 3, 0, 10,
            "attempts of a failing mini-batch after its first one");
    public static final Setting INSTANCE_COUNT = Setting.integer("instanceCount", 1, 1, 16,
            "runners that score an invocation's mini-batches at once (an invocation without one takes its "
                    + "deployment's)");
    public static final List<Setting> SETTINGS = List.of(MINI_BATCH_SIZE, ERROR_THRESHOLD, MAX_RETRIES, INSTANCE_COUNT);

    /** The CSV output's name: the one the invocation named, else {@code predictions.csv}. */
    public String csvFile() {
        return outputFileName == null ? BatchScoreResult.CSV : outputFileName;
    }

    /** The instance count, at least 1 (specifications written before it existed hold none). */
    public int instances() {
        return Math.max(1, instanceCount);
    }

    @Override
    public JobKind kind() {
        return JobKind.BATCH_SCORE;
    }
}
