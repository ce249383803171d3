package io.modelcat.catalog.evaluate;

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
import io.modelcat.jobs.spec.EvaluateSpec;
import io.modelcat.jobs.spec.SpecError;
import io.modelcat.jobs.task.Task;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns an evaluation request into an {@code evaluate} job, after checking everything the job will read. */
@Singleton
public class EvaluationService {

    private final JobService jobs;
    private final JobInputs inputs;

    public EvaluationService(JobService jobs, JobInputs inputs) {
        this.jobs = jobs;
        this.inputs = inputs;
    }

    public JobView submit(EvaluationRequest request, Caller caller) {
        List<FieldError> errors = new ArrayList<>();
        DeviceRequest device = JobService.device(request.device());
        JobInputs.Target target = inputs.target(request.modelId(), request.versionNumber(), errors);
        ModelSummary model = target.model();
        ModelVersion version = target.version();
        Optional<Task> task = JobInputs.engineTask(request.task(), JobKind.EVALUATE, errors);
        boolean taskRuns = task.isPresent();
        if (taskRuns && model != null && !model.task().equals(request.task())
                && !model.finetuningTasks().contains(request.task())) {
            errors.add(new FieldError("task", "model " + model.name() + " does not do '" + request.task()
                    + "': its task is " + model.task() + " and it can be fine-tuned for "
                    + (model.finetuningTasks().isEmpty() ? "nothing" : String.join(", ", model.finetuningTasks()))));
        }
        DatasetFile dataset = inputs.dataset("datasetId", request.datasetId(), errors).orElse(null);
        Map<String, String> mapping = taskRuns && dataset != null
                ? inputs.mapping(request.task(), request.mapping(), dataset, null, errors) : null;
        List<SpecError> invalid = new ArrayList<>();
        int batchSize = EvaluateSpec.BATCH_SIZE.resolve("", request.batchSize(), invalid).intValue();
        int maxSequenceLength = EvaluateSpec.MAX_SEQUENCE_LENGTH.resolve("", request.maxSequenceLength(), invalid).intValue();
        JobInputs.add(invalid, errors);
        JobInputs.languagesOnlyForTranslation(task, request.sourceLanguage(), request.targetLanguage(), errors);
        JobInputs.throwIfAny(errors);
        String artifactUri = JobInputs.artifactUri(model, version);

        EvaluateSpec spec = new EvaluateSpec(task.orElseThrow(), version.id(), artifactUri, dataset.toRef(), mapping,
                batchSize, maxSequenceLength, request.sourceLanguage(), request.targetLanguage());
        return jobs.submit(caller, spec, model.id(), version.id(),
                List.of(new JobDataset(JobDataset.TEST, dataset.id())), device,
                request.priority() == null ? 0 : request.priority(), JobService.DEFAULT_MAX_ATTEMPTS, null);
    }
}
