package io.modelcat.jobs.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.task.Task;
import java.util.Map;
import java.util.UUID;

/**
 * Fine-tune a model version for a task on training data; validation and test rows are held out of it
 * when their datasets are not given.
 *
 * @param validation null to hold validation rows out of {@code train}
 * @param test null to hold test rows out of {@code train}
 * @param sourceLanguage for translation: the source language code (e.g. {@code en}) that picks a model's task prefix
 *     when it translates several ways, as for {@link EvaluateSpec}; null otherwise
 * @param targetLanguage for translation: the target language code (e.g. {@code de}); null otherwise
 */
public record FinetuneSpec(Task task, UUID modelVersionId, String artifactUri, DatasetRef train, DatasetRef validation,
                           DatasetRef test, Map<String, String> mapping, Hyperparameters hyperparameters,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String sourceLanguage,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String targetLanguage)
        implements JobSpec {

    @JsonCreator
    public FinetuneSpec {
    }

    /** A fine-tune without languages (every task but translation). */
    public FinetuneSpec(Task task, UUID modelVersionId, String artifactUri, DatasetRef train, DatasetRef validation,
                        DatasetRef test, Map<String, String> mapping, Hyperparameters hyperparameters) {
        this(task, modelVersionId, artifactUri, train, validation, test, mapping, hyperparameters, null, null);
    }

    @Override
    public JobKind kind() {
        return JobKind.FINETUNE;
    }
}
