package io.modelcat.catalog.job;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.JobQueue;
import io.modelcat.jobs.JobState;
import io.modelcat.jobs.spec.JobSpec;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.jobs.spec.NoopSpec;
import io.modelcat.jobs.spec.SpecError;
import io.modelcat.store.Cursor;
import io.modelcat.store.job.Jobs;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Submits, lists and cancels jobs. Runners execute them; this side never does. */
@Singleton
public class JobService {

    /** Kinds submitted through the generic endpoint; the others have endpoints that validate their inputs. */
    static final Set<String> GENERIC_KINDS = Set.of(JobKind.NOOP.wireName());
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    private final JobRepository jobs;
    private final JobQueue queue;
    private final AuditLog audit;

    public JobService(JobRepository jobs, JobQueue queue, AuditLog audit) {
        this.jobs = jobs;
        this.queue = queue;
        this.audit = audit;
    }

    public JobView submit(JobRequests.Submit request, Caller caller) {
        if (!GENERIC_KINDS.contains(request.kind())) {
            throw new InvalidFieldException("kind", "'" + request.kind() + "' cannot be submitted here; expected one of "
                    + String.join(", ", GENERIC_KINDS) + " (imports go to POST /api/v1/imports, evaluations to "
                    + "POST /api/v1/evaluations, fine-tunes to POST /api/v1/finetunes)");
        }
        DeviceRequest device = device(request.device());
        return submit(caller, noop(request.params()), request.modelId(), null, List.of(), device,
                request.priority() == null ? 0 : request.priority(),
                request.maxAttempts() == null ? DEFAULT_MAX_ATTEMPTS : request.maxAttempts(), request.timeLimitSeconds());
    }

    /** A noop job's free-form params read as its specification; what does not fit is a 400 on {@code params}. */
    private static NoopSpec noop(Map<String, Object> params) {
        NoopSpec spec;
        try {
            spec = JobSpecs.convert(params == null ? Map.of() : params, NoopSpec.class);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("params", e.getMessage());
        }
        List<SpecError> invalid = new ArrayList<>();
        NoopSpec.DURATION_MILLIS.resolve("params.", spec.durationMillis(), invalid);
        NoopSpec.TRANSIENT_FAILURES.resolve("params.", spec.transientFailures(), invalid);
        if (!invalid.isEmpty()) {
            throw new InvalidFieldException(invalid.stream().map(e -> new FieldError(e.field(), e.message())).toList());
        }
        return spec;
    }

    /**
     * Stores a validated job that reads a model version and datasets, and queues it. The job and its
     * dataset links are inserted together, so a dataset in use can never be deleted under a queued job.
     * The job is recorded as the caller's, in the job and in the audit log.
     */
    public JobView submit(Caller caller, JobSpec spec, UUID modelId, UUID modelVersionId, List<JobDataset> datasets,
                          DeviceRequest device, int priority, int maxAttempts, Integer timeLimitSeconds) {
        UUID id = UUID.randomUUID();
        String kind = spec.kind().wireName();
        JobView job = jobs.insert(new JobRepository.NewJob(id, spec, modelId, modelVersionId, datasets,
                new JobView.Device(device.kind(), device.count()), priority, maxAttempts, timeLimitSeconds,
                caller.userId()));
        try {
            queue.submit(id, device, priority, job.submittedAt());
        } catch (RuntimeException e) {
            jobs.delete(id);
            throw e;
        }
        jobs.announce(device.schedulerName());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", kind);
        if (modelId != null) {
            details.put("modelId", modelId.toString());
        }
        datasets.forEach(d -> details.put(d.role() + "DatasetId", d.datasetId().toString()));
        audit.record(caller.did("job.submit", "job", id, details));
        return job;
    }

    public JobView get(UUID id) {
        return jobs.find(id).orElseThrow(() -> new NotFoundException("no job has id " + id));
    }

    public JobPage list(List<String> states, List<String> kinds, UUID modelId, Integer limit, String cursor) {
        List<FieldError> errors = new ArrayList<>();
        for (String state : orEmpty(states)) {
            if (JobState.fromWireName(state).isEmpty()) {
                errors.add(new FieldError("state", "unknown state '" + state + "'; expected one of "
                        + String.join(", ", JobState.wireNames())));
            }
        }
        for (String kind : orEmpty(kinds)) {
            if (JobKind.fromWireName(kind).isEmpty()) {
                errors.add(new FieldError("kind", "unknown kind '" + kind + "'; expected one of "
                        + String.join(", ", JobKind.wireNames())));
            }
        }
        int size = limit == null ? 20 : limit;
        if (size < 1 || size > 100) {
            errors.add(new FieldError("limit", "must be between 1 and 100, got " + size));
        }
        Cursor after = null;
        if (cursor != null && !cursor.isBlank()) {
            after = Cursor.decode(cursor).filter(Jobs::continuesList).orElse(null);
            if (after == null) {
                errors.add(new FieldError("cursor", "is not a cursor this API returned"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        return jobs.list(orEmpty(states), orEmpty(kinds), modelId, after, size);
    }

    /**
     * Cancels a queued job at once, or asks the runner of a running one to stop (it does within seconds), and
     * with a batch invocation its helpers. Only the job's submitter or an admin may.
     */
    public JobView cancel(UUID id, Caller caller) {
        JobView job = get(id);
        caller.requireOwnerOrAdmin(job.submittedBy() == null ? null : job.submittedBy().id(), "job " + id);
        if (job.isFinal()) {
            throw new ConflictException("job " + id + " has already ended (" + job.state() + ")");
        }
        stop(id, job);
        if (JobKind.BATCH_SCORE.wireName().equals(job.kind())) {
            for (UUID helper : jobs.activeHelpersOf(id)) {
                try {
                    jobs.find(helper).filter(h -> !h.isFinal()).ifPresent(h -> stop(helper, h));
                } catch (ConflictException ended) {
                    // The helper ended meanwhile: nothing to stop.
                }
            }
        }
        audit.record(caller.did("job.cancel", "job", id, Map.of("kind", job.kind(), "stateWas", job.state())));
        return get(id);
    }

    /** Cancels a queued job, or asks its runner to stop; a job that ended meanwhile is a 409. */
    private void stop(UUID id, JobView job) {
        if (jobs.cancelQueued(id)) {
            queue.withdraw(id, new DeviceRequest(job.device().kind(), job.device().count()));
        } else if (!jobs.requestCancel(id)) {
            JobView now = get(id);
            if (now.isFinal()) {
                throw new ConflictException("job " + id + " has already ended (" + now.state() + ")");
            }
            // Between states (a retry being queued): cancel again as queued.
            if (jobs.cancelQueued(id)) {
                queue.withdraw(id, new DeviceRequest(job.device().kind(), job.device().count()));
            }
        }
    }

    public List<JobLogEntry> logs(UUID id, Long after, Integer limit) {
        get(id);
        int size = limit == null ? 500 : limit;
        if (size < 1 || size > 5000) {
            throw new InvalidFieldException("limit", "must be between 1 and 5000, got " + size);
        }
        return jobs.logs(id, after == null ? 0 : after, size);
    }

    /** The device a request asks for ({@code cpu} when absent); a bad count is a 400 naming {@code device.count}. */
    public static DeviceRequest device(JobRequests.DeviceInput input) {
        if (input == null) {
            return DeviceRequest.cpu();
        }
        int count = input.count() == null ? 1 : input.count();
        try {
            return new DeviceRequest(input.kind(), count);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("device.count", e.getMessage());
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
