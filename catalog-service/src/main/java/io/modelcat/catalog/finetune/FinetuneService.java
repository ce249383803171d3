package io.modelcat.catalog.finetune;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.job.JobDataset;
import io.modelcat.catalog.job.JobService;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.jobinput.DatasetFile;
import io.modelcat.catalog.jobinput.JobInputs;
import io.modelcat.catalog.model.ModelSummary;
import io.modelcat.catalog.model.ModelVersion;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.FinetuneSpec;
import io.modelcat.jobs.spec.Hyperparameters;
import io.modelcat.jobs.spec.SpecError;
import io.modelcat.jobs.task.Task;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Turns a fine-tune request into a {@code finetune} job, after checking everything the job will read. */
@Singleton
public class FinetuneService {

    private final JobService jobs;
    private final JobInputs inputs;

    public FinetuneService(JobService jobs, JobInputs inputs) {
        this.jobs = jobs;
        this.inputs = inputs;
    }

    public JobView submit(FinetuneRequest request, Caller caller) {
        List<FieldError> errors = new ArrayList<>();
        DeviceRequest device = JobService.device(request.device());
        JobInputs.Target target = inputs.target(request.modelId(), request.versionNumber(), errors);
        ModelSummary model = target.model();
        ModelVersion version = target.version();
        Optional<Task> task = JobInputs.engineTask(request.task(), JobKind.FINETUNE, errors);
        boolean taskRuns = task.isPresent();
        if (taskRuns && model != null && !model.finetuningTasks().contains(request.task())) {
            errors.add(new FieldError("task", "model " + model.name() + " cannot be fine-tuned for '" + request.task()
                    + "'; its fine-tuning tasks are "
                    + (model.finetuningTasks().isEmpty() ? "none" : String.join(", ", model.finetuningTasks()))));
        }
        List<SpecError> invalid = new ArrayList<>();
        Hyperparameters hyperparameters = Hyperparameters.resolve(request.hyperparameters(), invalid);
        JobInputs.add(invalid, errors);
        boolean rankValid = invalid.stream().noneMatch(e -> e.field().equals("hyperparameters.loraRank"));
        if (hyperparameters.lora() && rankValid && taskRuns && !Hyperparameters.LORA_TASKS.contains(task.get())) {
            errors.add(new FieldError("hyperparameters.loraRank", "LoRA adapters are trained for "
                    + Hyperparameters.LORA_TASKS.stream().map(Task::wireName).collect(Collectors.joining(", "))
                    + "; fine-tune '" + request.task() + "' without loraRank (every weight trains)"));
        }
        if (hyperparameters.loraTargetModules() != null && !hyperparameters.lora() && rankValid) {
            errors.add(new FieldError("hyperparameters.loraTargetModules", "names the layers of a LoRA adapter; "
                    + "set loraRank too, or leave loraTargetModules out (every weight trains)"));
        }
        if (hyperparameters.loraMerge() && !hyperparameters.lora() && rankValid) {
            errors.add(new FieldError("hyperparameters.loraMerge", "merges a LoRA adapter into the weights; set "
                    + "loraRank too (without it every weight trains and the output is a whole model already)"));
        }
        JobInputs.languagesOnlyForTranslation(task, request.sourceLanguage(), request.targetLanguage(), errors);
        DatasetFile train = inputs.dataset("trainDatasetId", request.trainDatasetId(), errors).orElse(null);
        DatasetFile validation = optionalDataset("validationDatasetId", request.validationDatasetId(), errors);
        DatasetFile test = optionalDataset("testDatasetId", request.testDatasetId(), errors);
        Map<String, String> mapping = null;
        if (taskRuns) {
            if (train != null) {
                mapping = inputs.mapping(request.task(), request.mapping(), train, null, errors);
            }
            if (validation != null) {
                inputs.mapping(request.task(), request.mapping(), validation, "the validation dataset", errors);
            }
            if (test != null) {
                inputs.mapping(request.task(), request.mapping(), test, "the test dataset", errors);
            }
        }
        JobInputs.throwIfAny(errors);
        String artifactUri = JobInputs.artifactUri(model, version);

        FinetuneSpec spec = new FinetuneSpec(task.orElseThrow(), version.id(), artifactUri, train.toRef(),
                validation == null ? null : validation.toRef(), test == null ? null : test.toRef(), mapping,
                hyperparameters, request.sourceLanguage(), request.targetLanguage());
        List<JobDataset> links = new ArrayList<>();
        links.add(new JobDataset(JobDataset.TRAIN, train.id()));
        if (validation != null) {
            links.add(new JobDataset(JobDataset.VALIDATION, validation.id()));
        }
        if (test != null) {
            links.add(new JobDataset(JobDataset.TEST, test.id()));
        }
        return jobs.submit(caller, spec, model.id(), version.id(), links, device,
                request.priority() == null ? 0 : request.priority(), JobService.DEFAULT_MAX_ATTEMPTS,
                request.timeLimitSeconds());
    }

    private DatasetFile optionalDataset(String field, UUID id, List<FieldError> errors) {
        return id == null ? null : inputs.dataset(field, id, errors).orElse(null);
    }
}
