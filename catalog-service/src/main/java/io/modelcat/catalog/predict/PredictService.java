package io.modelcat.catalog.predict;

import io.micronaut.context.annotation.Value;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.job.JobService;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.jobinput.JobInputs;
import io.modelcat.catalog.model.ModelSummary;
import io.modelcat.catalog.model.ModelVersion;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.JobQueue;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.PredictInput;
import io.modelcat.jobs.task.Task;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sample inference: one input run through a model by a runner (which keeps recently used models
 * loaded), answered within the request. It runs as a top-priority {@code predict} job, so it uses the
 * same devices, queue and logs as every other job, and the call waits for it.
 */
@Singleton
public class PredictService {

    private static final int TIME_LIMIT_SECONDS = 120;

    private final JobInputs inputs;
    private final JobService jobs;
    private final Duration wait;

    public PredictService(JobInputs inputs, JobService jobs, @Value("${modelcat.predict.wait:60s}") Duration wait) {
        this.inputs = inputs;
        this.jobs = jobs;
        this.wait = wait;
    }

    /** The outcome: the finished job, or one still running when the wait ran out. */
    public record Outcome(JobView job, boolean finished) {
    }

    public Outcome predict(UUID modelId, PredictRequest request, Caller caller) throws InterruptedException {
        List<FieldError> errors = new ArrayList<>();
        JobInputs.Target target = inputs.target(modelId, request.versionNumber(), errors);
        ModelSummary model = target.model();
        ModelVersion version = target.version();
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        String artifact = JobInputs.artifactUri(model, version);
        Task task = Task.fromWireName(model.task()).filter(t -> t.runs(JobKind.PREDICT)).orElseThrow(() ->
                new InvalidFieldException("modelId", "sample inference is not available for task '" + model.task()
                        + "'; it is for " + String.join(", ", Task.running(JobKind.PREDICT).stream().map(Task::wireName)
                        .toList())));
        // The task's own inputs (the registry's), required ones checked; others in the request are not its.
        Map<String, String> given = new HashMap<>();
        given.put("text", request.text());
        given.put("text2", request.text2());
        given.put("question", request.question());
        given.put("context", request.context());
        Map<String, String> values = new LinkedHashMap<>();
        for (PredictInput input : task.predictInputs()) {
            String value = given.get(input.name());
            if (value == null || value.isBlank()) {
                if (input.required()) {
                    errors.add(new FieldError(input.name(), "is required for " + task.wireName() + ": " + input.description()));
                }
            } else {
                values.put(input.name(), value);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        PredictRequest.Generation g = request.generation();
        PredictSpec spec = new PredictSpec(task, artifact, values, request.topK(), g == null ? null
                : new PredictSpec.Generation(g.maxNewTokens(), g.temperature(), g.topK(), g.topP(), g.seed(), null,
                        g.repetitionPenalty(), g.stop()));
        JobView job = jobs.submit(caller, spec, model.id(), version.id(), List.of(),
                JobService.device(request.device()), JobQueue.MAX_PRIORITY, 1, TIME_LIMIT_SECONDS);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            JobView now = jobs.get(job.id());
            if (now.isFinal()) {
                return new Outcome(now, true);
            }
            Thread.sleep(20);
        }
        return new Outcome(jobs.get(job.id()), false);
    }

}
