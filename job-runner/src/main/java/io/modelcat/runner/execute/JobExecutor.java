package io.modelcat.runner.execute;

import io.micronaut.context.annotation.Value;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.JobQueue;
import io.modelcat.jobs.spec.JobResult;
import io.modelcat.jobs.spec.JobSpec;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.runner.telemetry.JobMeters;
import io.modelcat.runner.worker.WorkerIdentity;
import io.modelcat.store.DatabaseUnavailableException;
import io.modelcat.store.DiskFull;
import io.modelcat.store.job.Claim;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one job on this worker: claims it (so it never runs twice at once), gives it its devices,
 * calls the handler for its kind, and records how it ended. Transient failures are retried with
 * exponential backoff up to the job's attempt limit; a runner shutting down hands its jobs back. While a job runs,
 * every line its thread logs carries its id in the logging MDC ({@value #MDC_KEY}), and its wait and run time go
 * to the {@link JobMeters}.
 */
@Singleton
public class JobExecutor {

    /** The logging MDC key holding the id of the job a thread runs. */
    public static final String MDC_KEY = "jobId";

    private static final Logger LOG = LoggerFactory.getLogger(JobExecutor.class);
    private static final String SUCCEEDED = "succeeded";
    private static final String FAILED = "failed";
    private static final String CANCELLED = "cancelled";
    private static final String TIMED_OUT = "timed_out";
    private static final String RETRIED = "retried";
    private static final String HANDED_BACK = "handed_back";

    private final JobRecords records;
    private final WorkerIdentity worker;
    private final GpuPool gpus;
    private final JobQueue queue;
    private final Map<JobKind, JobHandler<?>> handlers = new EnumMap<>(JobKind.class);
    private final Map<UUID, RunningJob> running = new ConcurrentHashMap<>();
    private final Path home;
    private final Path workRoot;
    private final RetryPolicy retries;
    private final JobMeters meters;

    public JobExecutor(JobRecords records, WorkerIdentity worker, GpuPool gpus, JobQueue queue,
                       List<JobHandler<?>> handlers, JobMeters meters,
                       @Value("${modelcat.home}") String home,
                       @Value("${modelcat.runner.retry-backoff:2s}") Duration retryBackoff) {
        this.records = records;
        this.worker = worker;
        this.gpus = gpus;
        this.queue = queue;
        handlers.forEach(h -> this.handlers.put(h.kind(), h));
        this.home = Path.of(home);
        this.workRoot = this.home.resolve("work");
        this.retries = new RetryPolicy(retryBackoff);
        this.meters = meters;
    }

    /** Executes the job if it is still there to take; {@code recovering} takes over a dead runner's job. */
    public void execute(UUID jobId, boolean recovering) {
        if (recovering && running.containsKey(jobId)) {
            // Quartz thought this runner dead (its check-ins stopped during a database outage) and handed the
            // job back to it: it never stopped running here.
            LOG.info("Job {} was handed back for recovery but still runs here; nothing to do", jobId);
            return;
        }
        Claim claim = records.claim(jobId, worker.id(), recovering).orElse(null);
        if (claim == null) {
            LOG.debug("Job {} is no longer queued; nothing to do", jobId);
            return;
        }
        MDC.put(MDC_KEY, jobId.toString());
        try {
            meters.started(claim);
            runClaimed(claim);
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    /** Gives a claimed job its devices and runs it, then frees them and records the attempt in the meters. */
    private void runClaimed(Claim claim) {
        UUID jobId = claim.id();
        long startedNanos = System.nanoTime();
        String outcome = FAILED;
        RunningJob job = new RunningJob(records, claim, workRoot.resolve(jobId.toString()));
        running.put(jobId, job);
        List<Integer> devices = List.of();
        try {
            if (claim.device().isGpu()) {
                devices = gpus.acquire(claim.device().count(), job::cancelled);
                job.assignGpus(devices);
            }
            outcome = run(job);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            records.requeue(jobId, worker.id(), "runner interrupted");
            outcome = HANDED_BACK;
        } finally {
            gpus.release(devices);
            running.remove(jobId);
            meters.ended(claim, outcome, Duration.ofNanos(System.nanoTime() - startedNanos));
        }
    }

    /** Runs the job's handler and records how the job ended; answers the outcome for the meters. */
    private String run(RunningJob job) {
        Claim claim = job.claim();
        JobHandler<?> handler = JobKind.fromWireName(claim.kind()).map(handlers::get).orElse(null);
        try {
            if (handler == null) {
                throw new IllegalStateException("this runner cannot execute jobs of kind '" + claim.kind() + "'");
            }
            job.log("INFO", "Started on worker " + worker.id() + " (attempt " + claim.attempt() + " of "
                    + claim.maxAttempts() + ")" + (job.gpus().isEmpty() ? "" : " with GPUs " + job.gpus()), Map.of());
            createWorkDirectory(job.workDirectory());
            return ended(job, runTyped(handler, claim.spec(), job));
        } catch (JobCancelledException e) {
            return ended(job, null);
        } catch (DatabaseUnavailableException e) {
            return transientFailure(job, new TransientJobException(e.getMessage(), e));
        } catch (TransientJobException e) {
            return transientFailure(job, e);
        } catch (Exception e) {
            return fail(job, e);
        }
    }

    /** A failure that may go away by itself: the job runs again after a back-off, while it has attempts left. */
    private String transientFailure(RunningJob job, TransientJobException e) {
        Claim claim = job.claim();
        UUID id = claim.id();
        if (job.cancelled()) {
            return ended(job, null);
        } else if (retries.retries(claim.attempt(), claim.maxAttempts())) {
            Duration delay = retries.delay(claim.attempt(), e.retryAfter());
            job.log("WARN", "Attempt " + claim.attempt() + " failed: " + e.getMessage() + "; retrying in "
                    + delay.toSeconds() + " s", Map.of("error", String.valueOf(e.getMessage())));
            if (records.requeue(id, worker.id(), e.getMessage())) {
                queue.retry(id, claim.device(), claim.priority(), Instant.now().plus(delay));
                meters.retried(claim);
            }
            return RETRIED;
        } else {
            return fail(job, e);
        }
    }

    /** Reads the stored specification as the handler's type and runs it. */
    private static <S extends JobSpec> JobResult runTyped(JobHandler<S> handler, String spec, JobContext context)
            throws Exception {
        return handler.run(JobSpecs.read(spec, handler.specType()), context);
    }

    private String ended(RunningJob job, JobResult result) {
        UUID id = job.jobId();
        if (job.isRunnerStopping()) {
            job.log("INFO", "Runner " + worker.id() + " is stopping; the job goes back to the queue", Map.of());
            if (records.requeue(id, worker.id(), null)) {
                queue.retry(id, job.claim().device(), job.claim().priority(), Instant.now());
            }
            return HANDED_BACK;
        } else if (job.isTimedOut()) {
            String message = "exceeded its time limit of " + job.claim().timeLimit().toSeconds() + " s";
            job.log("ERROR", "Stopped: " + message, Map.of());
            records.failed(id, worker.id(), "The job " + message, null);
            return TIMED_OUT;
        } else if (job.isCancelRequested()) {
            job.log("INFO", "Cancelled", Map.of());
            records.cancelled(id, worker.id());
            return CANCELLED;
        } else {
            job.log("INFO", "Succeeded", Map.of());
            records.succeeded(id, worker.id(), result);
            return SUCCEEDED;
        }
    }

    private String fail(RunningJob job, Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (DiskFull.is(e)) {
            message = "The disk under MODELCAT_HOME is full (" + home + "): free space, then run the job again ("
                    + message + ")";
        }
        StringBuilder cause = new StringBuilder(e.getClass().getName());
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            cause.append(" <- ").append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        LOG.warn("Job {} failed: {}", job.jobId(), message, e);
        job.log("ERROR", "Failed: " + message, Map.of("cause", cause.toString()));
        records.failed(job.jobId(), worker.id(), message, cause.toString());
        return FAILED;
    }

    /** Inside the job's run, so that a full disk here fails the job, not the runner's claim of it. */
    private static void createWorkDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the job's work directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Marks the jobs whose cancellation was asked for; their handlers see it at their next check. */
    void cancel(List<UUID> jobIds) {
        jobIds.forEach(id -> {
            RunningJob job = running.get(id);
            if (job != null) {
                job.requestCancel();
            }
        });
    }

    /** Stops the jobs that have run longer than their time limit. */
    void enforceTimeLimits() {
        running.values().forEach(RunningJob::stopIfOverTimeLimit);
    }

    /** Asks every running job to stop so that it can be handed back to the queue. */
    void stopAll() {
        running.values().forEach(RunningJob::runnerStopping);
    }

    /** Ids of the jobs running here now. */
    public java.util.Set<UUID> runningJobs() {
        return java.util.Set.copyOf(running.keySet());
    }
}
