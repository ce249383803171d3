package io.modelcat.runner.serve;

import ai.djl.Device;
import io.micronaut.scheduling.annotation.Scheduled;
import io.modelcat.jobs.serve.ServeEvent;
import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.jobs.serve.ServeResponse;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.IntraOpThreads;
import io.modelcat.runner.execute.GpuPool;
import io.modelcat.runner.worker.WorkerIdentity;
import io.modelcat.store.Database;
import io.modelcat.store.deploy.DeploymentLogs;
import io.modelcat.store.deploy.Deployments;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment instances placed on this runner: every second it reads them from the database, loads
 * the model of each new one as its task's recipe takes it ({@link ServedModel}; once, on a loader thread,
 * then marks it {@code ready}, or {@code failed} with the reason), and closes the model of each that is gone (deleted, or placed elsewhere). Calls run
 * the task's recipe through the instance's {@link Batcher}: calls that arrive together run as one batch,
 * a streamed call alone. An instance answers at most its deployment's concurrency limit of calls at once, whichever
 * catalog services send them, and refuses the others ({@link Refusal#BUSY}); a changed limit, timeout or batching
 * of the deployment applies to the calls that come after the next read. An instance that reserves CPU cores runs its
 * forward passes on as many threads ({@link IntraOpThreads}; the others on the engine's default).
 */
@Singleton
public class ServedInstances {

    private static final Logger LOG = LoggerFactory.getLogger(ServedInstances.class);
    /** How long a streamed call may run; the gateway's request timeout bounds only its first token. */
    private static final Duration STREAM_LIMIT = Duration.ofMinutes(10);
    private static final Duration FAILURE_NOTE_EVERY = Duration.ofSeconds(10);

    private final WorkerIdentity identity;
    private final ServeAddress address;
    private final Database db;
    private final GpuPool gpuPool;
    private final Map<UUID, Served> served = new ConcurrentHashMap<>();
    private final Set<UUID> loading = ConcurrentHashMap.newKeySet();
    /** Per instance: when its last failed call was written to the deployment's log, and how many failed since. */
    private final Map<UUID, long[]> failures = new ConcurrentHashMap<>();
    private volatile Set<UUID> placed = Set.of();
    // One thread per instance being loaded: one waiting for a GPU that a job holds delays no other.
    private final ExecutorService loader = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "instance-loader");
        t.setDaemon(true);
        return t;
    });

    public ServedInstances(WorkerIdentity identity, ServeAddress address, Database db, GpuPool gpuPool) {
        this.identity = identity;
        this.address = address;
        this.db = db;
        this.gpuPool = gpuPool;
    }

    /** An instance whose model is loaded, the batcher that runs its calls, and how many it is answering now. */
    private static final class Served {
        private final String secret;
        private final Task task;
        private final String artifactUri;
        private final ServedModel model;
        private final Batcher batcher;
        private final List<Integer> gpus;
        private final GpuPool pool;
        private final AtomicInteger calls = new AtomicInteger();
        private volatile Deployments.Limits limits;

        Served(Deployments.Assignment a, Task task, ServedModel model, List<Integer> gpus, GpuPool pool) {
            this.secret = a.secret();
            this.task = task;
            this.artifactUri = a.artifactUri();
            this.model = model;
            this.gpus = gpus;
            this.pool = pool;
            this.limits = a.limits();
            // Counted cores are the threads the instance's forward passes run on; else the engine's default.
            this.batcher = new Batcher(a.instanceId().toString(), limits.maxBatchSize(), limits.maxBatchDelayMs(),
                    model.work(), a.cpuCores() == null ? () -> { } : () -> IntraOpThreads.useOnThisThread(a.cpuCores()));
        }

        /** Takes the deployment's limits as read now (the calls under way keep theirs). */
        void follow(Deployments.Limits now) {
            if (!now.equals(limits)) {
                limits = now;
                batcher.batching(now.maxBatchSize(), now.maxBatchDelayMs());
            }
        }

        /** Counts a call in, unless the instance already answers as many as its deployment allows. */
        boolean take() {
            if (calls.incrementAndGet() > limits.maxConcurrent()) {
                calls.decrementAndGet();
                return false;
            }
            return true;
        }

        void release() {
            calls.decrementAndGet();
        }

        /** Stops taking calls, lets the queued ones finish, then frees the model and its GPU. */
        void close() {
            batcher.close();
            model.close();
            pool.release(gpus);
        }
    }

    /** Why a request was not served. */
    public enum Refusal { UNKNOWN_INSTANCE, WRONG_SECRET, BUSY }

    /** The outcome of {@link #open}: the call to run, or why there is none. */
    public record Outcome(Call call, Refusal refusal) {
    }

    /**
     * A request read and checked, ready to run on its instance, and counted in the instance's calls until it has run
     * (or is {@linkplain #release released} without running).
     */
    public static final class Call {
        private final Served served;
        private final List<PredictSpec> specs;
        private final AtomicBoolean counted = new AtomicBoolean(true);

        private Call(Served served, List<PredictSpec> specs) {
            this.served = served;
            this.specs = specs;
        }

        /** Counts the call out of its instance's calls (once; running it does so). */
        public void release() {
            if (counted.compareAndSet(true, false)) {
                served.release();
            }
        }

        /**
         * Runs the request on its instance, batched with others that arrive with it unless {@code events} is
         * given: then it runs alone, telling {@code events} each input's new text as it is generated and then its
         * prediction.
         *
         * @return the predictions, in order; null when the instance stopped being served meanwhile
         * @throws IllegalArgumentException when an input does not suit the task (the message says why)
         */
        public ServeResponse run(Consumer<ServeEvent> events) {
            // The gateway gives up at the deployment's timeout; waiting much longer here would only hold a thread.
            Duration limit = events == null ? Duration.ofMillis(served.limits.requestTimeoutMs()).plusSeconds(1)
                    : STREAM_LIMIT;
            try {
                return new ServeResponse(served.batcher.submit(specs, events).get(limit.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Batcher.Closed) {
                    return null;
                }
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("no answer within " + limit.toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the model");
            } finally {
                release();
            }
        }
    }

    /** Brings the loaded instances in line with those placed on this runner. */
    @Scheduled(fixedDelay = "${modelcat.runner.serve-sync-interval:1s}", initialDelay = "2s")
    public void sync() {
        if (address.url() == null) {
            return;
        }
        List<Deployments.Assignment> assigned;
        try {
            assigned = db.read(c -> Deployments.assignedTo(c, identity.id()));
        } catch (RuntimeException e) {
            LOG.warn("Could not read the deployment instances of this runner: {}", e.getMessage());
            return;
        }
        Set<UUID> wanted = new HashSet<>();
        assigned.forEach(a -> wanted.add(a.instanceId()));
        placed = Set.copyOf(wanted);
        for (Deployments.Assignment a : assigned) {
            Served loaded = served.get(a.instanceId());
            if (loaded != null) {
                loaded.follow(a.limits());
            }
            if (!"failed".equals(a.state()) && !served.containsKey(a.instanceId()) && loading.add(a.instanceId())) {
                loader.execute(() -> load(a));
            }
        }
        for (UUID id : new ArrayList<>(served.keySet())) {
            if (!wanted.contains(id)) {
                served.remove(id).close();
                failures.remove(id);
                LOG.info("Instance {} is no longer placed here: its model is unloaded", id);
            }
        }
    }

    private void load(Deployments.Assignment a) {
        List<Integer> gpus = List.of();
        try {
            Task task = Task.fromWireName(a.task()).orElseThrow(() ->
                    new IllegalArgumentException("task '" + a.task() + "' cannot be served"));
            if ("gpu".equals(a.deviceKind()) && !identity.gpus().isEmpty()) {
                // A GPU serves one instance and is not handed to jobs meanwhile; while jobs hold them all, wait.
                gpus = gpuPool.acquire(1, () -> !placed.contains(a.instanceId()));
                if (gpus.isEmpty()) {
                    return;
                }
            }
            Device device = gpus.isEmpty() ? Device.cpu() : Device.gpu(gpus.get(0));
            String where = identity.host() + " (" + (device.isGpu() ? "GPU " + device.getDeviceId() : "CPU")
                    + (a.cpuCores() == null ? "" : ", " + a.cpuCores() + " reserved CPU core(s): as many threads") + ")";
            note(a.instanceId(), DeploymentLogs.Level.INFO, "Loading the model on " + where);
            long started = System.nanoTime();
            ServedModel model = ServedModel.load(task, Path.of(URI.create(a.artifactUri())), device);
            served.put(a.instanceId(), new Served(a, task, model, gpus, gpuPool));
            long millis = (System.nanoTime() - started) / 1_000_000;
            db.write(c -> {
                Deployments.setInstanceState(c, a.instanceId(), "ready", null);
                DeploymentLogs.instance(c, a.instanceId(), DeploymentLogs.Level.INFO, "Ready on " + where
                        + ", the model loaded in " + millis + " ms");
                return null;
            });
            LOG.info("Instance {} of deployment {} is ready on {} ({} ms to load)", a.instanceId(), a.deploymentId(),
                    device, millis);
        } catch (InterruptedException e) {
            gpuPool.release(gpus);
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            gpuPool.release(gpus);
            LOG.warn("Instance {} of deployment {} could not load its model: {}", a.instanceId(), a.deploymentId(),
                    e.getMessage());
            String reason = "could not load the model on " + identity.host() + ": " + e.getMessage();
            try {
                db.write(c -> {
                    Deployments.setInstanceState(c, a.instanceId(), "failed", reason);
                    DeploymentLogs.instance(c, a.instanceId(), DeploymentLogs.Level.ERROR, "Failed: " + reason);
                    return null;
                });
            } catch (RuntimeException again) {
                LOG.warn("Could not record the failure of instance {}: {}", a.instanceId(), again.getMessage());
            }
        } finally {
            loading.remove(a.instanceId());
        }
    }

    /**
     * Notes in the deployment's log that a call failed on an instance (not a caller's mistake): at most one line per
     * instance every {@link #FAILURE_NOTE_EVERY}, saying how many failed since the last one.
     */
    public void callFailed(UUID instanceId, RuntimeException e) {
        long now = System.nanoTime();
        long[] seen = failures.computeIfAbsent(instanceId, id -> new long[] {now - FAILURE_NOTE_EVERY.toNanos(), 0});
        String message;
        synchronized (seen) {
            seen[1]++;
            if (now - seen[0] < FAILURE_NOTE_EVERY.toNanos()) {
                return;
            }
            message = (seen[1] == 1 ? "A call failed" : seen[1] + " calls failed") + " on " + identity.host() + ": "
                    + e.getMessage();
            seen[0] = now;
            seen[1] = 0;
        }
        note(instanceId, DeploymentLogs.Level.ERROR, message);
    }

    /** A line in the deployment's log about one of its instances; a database that cannot take it delays nothing. */
    private void note(UUID instanceId, DeploymentLogs.Level level, String message) {
        try {
            db.write(c -> {
                DeploymentLogs.instance(c, instanceId, level, message);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("Could not write the log line of instance {} ({}): {}", instanceId, message, e.getMessage());
        }
    }

    /**
     * Reads a request for an instance and checks it: the instance's secret, the request's shape (a chat's
     * conversation is rendered with the model's template when it runs), and that the instance answers fewer calls
     * than its deployment's concurrency limit; the call returned is counted in until it has run.
     *
     * @throws IllegalArgumentException when the request does not suit the instance (the message says why)
     */
    public Outcome open(UUID instanceId, String secret, String requestJson) {
        Served s = served.get(instanceId);
        if (s == null) {
            return new Outcome(null, Refusal.UNKNOWN_INSTANCE);
        }
        if (secret == null || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                s.secret.getBytes(StandardCharsets.UTF_8))) {
            return new Outcome(null, Refusal.WRONG_SECRET);
        }
        ServeRequest request = JobSpecs.read(requestJson, ServeRequest.class);
        if (request.messages() != null && s.task != Task.TEXT_GENERATION) {
            throw new IllegalArgumentException("a chat needs a text-generation model; this one does " + s.task.wireName());
        }
        if (request.messages() != null && request.messages().isEmpty()) {
            throw new IllegalArgumentException("a chat needs at least one message");
        }
        if (request.promptIds() != null && s.task != Task.TEXT_GENERATION) {
            throw new IllegalArgumentException("a tokenized prompt needs a text-generation model; this one does "
                    + s.task.wireName());
        }
        List<PredictSpec> specs = new ArrayList<>();
        for (int i = 0; i < request.inputs().size(); i++) {
            specs.add(new PredictSpec(s.task, s.artifactUri, request.inputs().get(i), request.candidates(),
                    request.generationOf(i), request.messages(), request.promptIdsOf(i)));
        }
        return s.take() ? new Outcome(new Call(s, specs), null) : new Outcome(null, Refusal.BUSY);
    }

    @PreDestroy
    void close() {
        loader.shutdownNow();
        served.values().forEach(Served::close);
        served.clear();
    }
}
