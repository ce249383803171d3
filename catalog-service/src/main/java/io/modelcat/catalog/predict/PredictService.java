package io.modelcat.catalog.predict;

import io.micronaut.context.annotation.Value;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.job.JobService;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.mljob.JobInputs;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelVersion;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.JobQueue;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
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
    private static final List<String> TASKS = List.of("text-classification", "token-classification",
            "question-answering", "fill-mask", "text-generation");

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
        ModelCard model = target.model();
        ModelVersion version = target.version();
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        String artifact = JobInputs.artifactUri(model, version);
        String task = model.task();
        if (!TASKS.contains(task)) {
            throw new InvalidFieldException("modelId", "sample inference is not available for task '" + task
                    + "'; it is for " + String.join(", ", TASKS));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        switch (task) {
            case "question-answering" -> {
                require("question", request.question(), errors);
                require("context", request.context(), errors);
                values.put("question", request.question());
                values.put("context", request.context());
            }
            default -> {
                require("text", request.text(), errors);
                values.put("text", request.text());
                if (request.text2() != null && "text-classification".equals(task)) {
                    values.put("text2", request.text2());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (request.topK() != null) {
            parameters.put("topK", request.topK());
        }
        PredictRequest.Generation g = request.generation();
        if (g != null && "text-generation".equals(task)) {
            putIfSet(parameters, "maxNewTokens", g.maxNewTokens());
            putIfSet(parameters, "temperature", g.temperature());
            putIfSet(parameters, "topK", g.topK());
            putIfSet(parameters, "topP", g.topP());
            putIfSet(parameters, "seed", g.seed());
        }
        JobView job = jobs.submit(caller, JobKind.PREDICT.wireName(), model.id(), version.id(),
                Map.of("task", task, "artifactUri", artifact, "inputs", values, "parameters", parameters), List.of(),
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

    private static void require(String field, String value, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required for this model's task"));
        }
    }

    private static void putIfSet(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
