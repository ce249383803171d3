package io.modelcat.jobs.spec;

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
 */
public record FinetuneSpec(Task task, UUID modelVersionId, String artifactUri, DatasetRef train, DatasetRef validation,
                           DatasetRef test, Map<String, String> mapping, Hyperparameters hyperparameters)
        implements JobSpec {

    @Override
    public JobKind kind() {
        return JobKind.FINETUNE;
    }
}
