package io.modelcat.catalog.evaluation;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.job.JobDataset;
import io.modelcat.catalog.job.JobService;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.mljob.DatasetFile;
import io.modelcat.catalog.mljob.JobInputs;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelVersion;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.JobKind;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns an evaluation request into an {@code evaluate} job, after checking everything the job will read. */
@Singleton
public class EvaluationService {

    static final int DEFAULT_BATCH_SIZE = 32;
    static final int DEFAULT_MAX_SEQUENCE_LENGTH = 128;

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
        ModelCard model = target.model();
        ModelVersion version = target.version();
        boolean taskRuns = JobInputs.checkEngineTask(request.task(), errors);
        if (taskRuns && model != null && !model.task().equals(request.task())
                && !model.finetuningTasks().contains(request.task())) {
            errors.add(new FieldError("task", "model " + model.name() + " does not do '" + request.task()
                    + "': its task is " + model.task() + " and it can be fine-tuned for "
                    + (model.finetuningTasks().isEmpty() ? "nothing" : String.join(", ", model.finetuningTasks()))));
        }
        DatasetFile dataset = inputs.dataset("datasetId", request.datasetId(), errors).orElse(null);
        Map<String, String> mapping = taskRuns && dataset != null
                ? inputs.mapping(request.task(), request.mapping(), dataset, null, errors) : null;
        JobInputs.throwIfAny(errors);
        String artifactUri = JobInputs.artifactUri(model, version);

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("task", request.task());
        params.put("modelVersionId", version.id().toString());
        params.put("artifactUri", artifactUri);
        params.put("dataset", dataset.toParams());
        params.put("mapping", mapping);
        params.put("batchSize", request.batchSize() == null ? DEFAULT_BATCH_SIZE : request.batchSize());
        params.put("maxSequenceLength", request.maxSequenceLength() == null
                ? DEFAULT_MAX_SEQUENCE_LENGTH : request.maxSequenceLength());
        return jobs.submit(caller, JobKind.EVALUATE.wireName(), model.id(), version.id(), params,
                List.of(new JobDataset(JobDataset.TEST, dataset.id())), device,
                request.priority() == null ? 0 : request.priority(), JobService.DEFAULT_MAX_ATTEMPTS, null);
    }
}
