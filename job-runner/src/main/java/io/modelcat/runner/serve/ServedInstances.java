package io.modelcat.runner.serve;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.scheduling.annotation.Scheduled;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.serve.ServeEvent;
import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.jobs.serve.ServeResponse;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment instances placed on this runner: every second it reads them from the database, loads
 * the model of each new one (once, on a loader thread, then marks it {@code ready}, or {@code failed}
 * with the reason), and closes the model of each that is gone (deleted, or placed elsewhere). Serving a
 * request runs the task's recipe, one request at a time per instance (the gateway keeps callers to the
 * deployment's concurrency limit and queues nothing here).
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
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "instance-loader");
        t.setDaemon(true);
        return t;
    });

    public ServedInstances(WorkerIdentity identity, ServeAddress address, Database db) {
        this.identity = identity;
        this.address = address;
        this.db = db;
    }

    /** An instance whose model is loaded. */
    private record Served(UUID id, String secret, Task task, String artifactUri, TransformerModel model) {
    }

    /** Why a request was not served. */
    public enum Refusal { UNKNOWN_INSTANCE, WRONG_SECRET }

    /** The outcome of {@link #open}: the call to run, or why there is none. */
    public record Outcome(Call call, Refusal refusal) {
    }

    /** A request read and checked, ready to run on its instance. */
    public final class Call {
        private final Served served;
        private final List<PredictSpec> specs;

        private Call(Served served, List<PredictSpec> specs) {
            this.served = served;
            this.specs = specs;
        }

        /**
         * Runs the request, one input after another (one request at a time per instance), telling
         * {@code events} (if not null) each input's new text as it is generated and then its prediction.
         *
         * @return the predictions, in order; null when the instance stopped being served meanwhile
         * @throws IllegalArgumentException when an input does not suit the task (the message says why)
         */
        public ServeResponse run(Consumer<ServeEvent> events) {
            TaskRecipe recipe = TaskRecipes.predicting(served.task());
            List<JsonNode> predictions = new ArrayList<>();
            synchronized (served) {
                if (ServedInstances.this.served.get(served.id()) != served) {
                    return null;
                }
                int maxLength = served.model().fitSequenceLength(MAX_LENGTH);
                for (int i = 0; i < specs.size(); i++) {
                    int input = i;
                    Consumer<String> newText = events == null ? null : text -> events.accept(ServeEvent.delta(input, text));
                    JsonNode prediction = JobSpecs.convert(recipe.predict(served.model(), specs.get(i), maxLength, newText),
                            JsonNode.class);
                    predictions.add(prediction);
                    if (events != null) {
                        events.accept(ServeEvent.prediction(i, prediction));
                    }
                }
            }
            return new ServeResponse(predictions);
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
        for (Deployments.Assignment a : assigned) {
            wanted.add(a.instanceId());
            if (!"failed".equals(a.state()) && !served.containsKey(a.instanceId()) && loading.add(a.instanceId())) {
                loader.execute(() -> load(a));
            }
        }
        for (UUID id : new ArrayList<>(served.keySet())) {
            if (!wanted.contains(id)) {
                Served gone = served.remove(id);
                synchronized (gone) {
                    gone.model().close();
                }
                LOG.info("Instance {} is no longer placed here: its model is unloaded", id);
            }
        }
    }

    private void load(Deployments.Assignment a) {
        try {
            Task task = Task.fromWireName(a.task()).filter(t -> t.runs(JobKind.PREDICT)).orElseThrow(() ->
                    new IllegalArgumentException("task '" + a.task() + "' cannot be served"));
            Device device = "gpu".equals(a.deviceKind()) && !identity.gpus().isEmpty() ? Device.gpu(0) : Device.cpu();
            long started = System.nanoTime();
            TransformerModel model = ModelLoader.load(Path.of(URI.create(a.artifactUri())), device);
            served.put(a.instanceId(), new Served(a.instanceId(), a.secret(), task, a.artifactUri(), model));
            db.write(c -> {
                Deployments.setInstanceState(c, a.instanceId(), "ready", null);
                return null;
            });
            LOG.info("Instance {} of deployment {} is ready on {} ({} ms to load)", a.instanceId(), a.deploymentId(),
                    device, (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
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
     * Reads a request for an instance and checks it: the instance's secret and the request's shape (a chat's
     * conversation is rendered with the model's template when it runs).
     *
     * @throws IllegalArgumentException when the request does not suit the instance (the message says why)
     */
    public Outcome open(UUID instanceId, String secret, String requestJson) {
        Served s = served.get(instanceId);
        if (s == null) {
            return new Outcome(null, Refusal.UNKNOWN_INSTANCE);
        }
        if (secret == null || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                s.secret().getBytes(StandardCharsets.UTF_8))) {
            return new Outcome(null, Refusal.WRONG_SECRET);
        }
        ServeRequest request = JobSpecs.read(requestJson, ServeRequest.class);
        if (request.messages() != null && s.task() != Task.TEXT_GENERATION) {
            throw new IllegalArgumentException("a chat needs a text-generation model; this one does " + s.task().wireName());
        }
        if (request.messages() != null && request.messages().isEmpty()) {
            throw new IllegalArgumentException("a chat needs at least one message");
        }
        List<PredictSpec> specs = new ArrayList<>();
        for (int i = 0; i < request.inputs().size(); i++) {
            specs.add(new PredictSpec(s.task(), s.artifactUri(), request.inputs().get(i), request.candidates(),
                    request.generationOf(i), request.messages()));
        }
        return new Outcome(new Call(s, specs), null);
    }

    @PreDestroy
    void close() {
        loader.shutdownNow();
        served.values().forEach(s -> {
            synchronized (s) {
                s.model().close();
            }
        });
        served.clear();
    }
}
