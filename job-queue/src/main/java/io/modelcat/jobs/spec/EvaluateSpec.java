package io.modelcat.jobs.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.task.Task;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Evaluate a model version's files on a dataset for a task.
 *
 * @param mapping task input to dataset column, resolved against the dataset (every input named)
 * @param sourceLanguage for translation: the source language code (e.g. {@code en}) that picks a model's task prefix
 *     when it translates several ways; null otherwise
 * @param targetLanguage for translation: the target language code (e.g. {@code de}); null otherwise
 */
public record EvaluateSpec(Task task, UUID modelVersionId, String artifactUri, DatasetRef dataset,
                           Map<String, String> mapping, int batchSize, int maxSequenceLength,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String sourceLanguage,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String targetLanguage) implements JobSpec {

    @com.fasterxml.jackson.annotation.JsonCreator
    public EvaluateSpec {
    }

    /** An evaluation without languages (every task but translation). */
    public EvaluateSpec(Task task, UUID modelVersionId, String artifactUri, DatasetRef dataset,
                        Map<String, String> mapping, int batchSize, int maxSequenceLength) {
        this(task, modelVersionId, artifactUri, dataset, mapping, batchSize, maxSequenceLength, null, null);
    }

    public static final Setting BATCH_SIZE = Setting.integer("batchSize", 32, 1, 512, "rows per batch");
    public static final Setting MAX_SEQUENCE_LENGTH = Setting.integer("maxSequenceLength", 128, 8, 4096,
            "tokens per row; longer rows are cut");
    public static final List<Setting> SETTINGS = List.of(BATCH_SIZE, MAX_SEQUENCE_LENGTH);

    @Override
    public JobKind kind() {
        return JobKind.EVALUATE;
    }
}
