package io.modelcat.runner.serve;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.scheduling.annotation.Scheduled;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.jobs.serve.ServeResponse;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.runner.execute.GpuPool;
import io.modelcat.runner.task.TaskRecipe;
import io.modelcat.runner.task.TaskRecipes;
import io.modelcat.runner.worker.WorkerIdentity;
import io.modelcat.store.Database;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment instances placed on this runner: every second it reads them from the database, loads
 * the model of each new one (once, on a loader thread, then marks it {@code ready}, or {@code failed}
 * with the reason), and closes the model of each that is gone (deleted, or placed elsewhere). Calls run
 * the task's recipe through the instance's {@link Batcher}: calls that arrive together run as one batch
 * (the gateway keeps callers to the deployment's concurrency limit).
 */
@Singleton
public class ServedInstances {

    private static final Logger LOG = LoggerFactory.getLogger(ServedInstances.class);
    private static final int MAX_LENGTH = 512;

    private final WorkerIdentity identity;
    private final ServeAddress address;
    private final Database db;
    private final Map<UUID, Served> served = new ConcurrentHashMap<>();
    private final Set<UUID> loading = ConcurrentHashMap.newKeySet();
    private volatile Set<UUID> placed = Set.of();
    private final GpuPool gpuPool;
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

    /** An instance whose model is loaded, and the batcher that runs its calls. */
    private record Served(UUID id, String secret, TransformerModel model, Batcher batcher, Duration timeout,
                          List<Integer> gpus, GpuPool pool) {

        /** Stops taking calls, lets the queued ones finish, then frees the model and its GPU. */
        void close() {
            batcher.close();
            model.close();
            pool.release(gpus);
        }
    }

    /** Why a request was not served. */
    public enum Refusal { UNKNOWN_INSTANCE, WRONG_SECRET }

    /** The outcome of {@link #serve}: the answer, or why there is none. */
    public record Outcome(ServeResponse response, Refusal refusal) {
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
            if (!"failed".equals(a.state()) && !served.containsKey(a.instanceId()) && loading.add(a.instanceId())) {
                loader.execute(() -> load(a));
            }
        }
        for (UUID id : new ArrayList<>(served.keySet())) {
            if (!wanted.contains(id)) {
                served.remove(id).close();
                LOG.info("Instance {} is no longer placed here: its model is unloaded", id);
            }
        }
    }

    private void load(Deployments.Assignment a) {
        List<Integer> gpus = List.of();
        try {
            Task task = Task.fromWireName(a.task()).filter(t -> t.runs(JobKind.PREDICT)).orElseThrow(() ->
                    new IllegalArgumentException("task '" + a.task() + "' cannot be served"));
            if ("gpu".equals(a.deviceKind()) && !identity.gpus().isEmpty()) {
                // A GPU serves one instance and is not handed to jobs meanwhile; while jobs hold them all, wait.
                gpus = gpuPool.acquire(1, () -> !placed.contains(a.instanceId()));
                if (gpus.isEmpty()) {
                    return;
                }
            }
            Device device = gpus.isEmpty() ? Device.cpu() : Device.gpu(gpus.get(0));
            long started = System.nanoTime();
            TransformerModel model = ModelLoader.load(Path.of(URI.create(a.artifactUri())), device);
            TaskRecipe recipe = TaskRecipes.predicting(task);
            int maxLength = model.fitSequenceLength(MAX_LENGTH);
            Batcher batcher = new Batcher(a.instanceId().toString(), a.limits().maxBatchSize(),
                    a.limits().maxBatchDelayMs(), (inputs, settings) -> recipe.predictAll(model, inputs.stream()
                            .map(in -> new PredictSpec(task, a.artifactUri(), in, settings.candidates(),
                                    settings.generation())).toList(), maxLength).stream()
                            .map(p -> JobSpecs.convert(p, JsonNode.class)).toList());
            served.put(a.instanceId(), new Served(a.instanceId(), a.secret(), model, batcher,
                    Duration.ofMillis(a.limits().requestTimeoutMs()), gpus, gpuPool));
            db.write(c -> {
                Deployments.setInstanceState(c, a.instanceId(), "ready", null);
                return null;
            });
            LOG.info("Instance {} of deployment {} is ready on {} ({} ms to load)", a.instanceId(), a.deploymentId(),
                    device, (System.nanoTime() - started) / 1_000_000);
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
     * Answers one request for an instance: one prediction per input, as the task's recipe makes it.
     *
     * @throws IllegalArgumentException when an input does not suit the task (the message says why)
     */
    public Outcome serve(UUID instanceId, String secret, String requestJson) {
        Served s = served.get(instanceId);
        if (s == null) {
            return new Outcome(null, Refusal.UNKNOWN_INSTANCE);
        }
        if (secret == null || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                s.secret().getBytes(StandardCharsets.UTF_8))) {
            return new Outcome(null, Refusal.WRONG_SECRET);
        }
        ServeRequest request = JobSpecs.read(requestJson, ServeRequest.class);
        try {
            // The gateway gives up at the deployment's timeout; waiting longer here would only hold a thread.
            List<JsonNode> predictions = s.batcher().submit(request)
                    .get(s.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
            return new Outcome(new ServeResponse(predictions), null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Batcher.Closed) {
                return new Outcome(null, Refusal.UNKNOWN_INSTANCE);
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within the deployment's request timeout of "
                    + s.timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the batch");
        }
    }

    @PreDestroy
    void close() {
        loader.shutdownNow();
        served.values().forEach(Served::close);
        served.clear();
    }
}
