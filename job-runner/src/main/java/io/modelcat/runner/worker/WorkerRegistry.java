package io.modelcat.runner.worker;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.event.ApplicationStartupEvent;
import io.micronaut.scheduling.annotation.Scheduled;
import io.modelcat.credentials.RunnerTokens;
import io.modelcat.runner.serve.ServeAddress;
import io.modelcat.store.Database;
import io.modelcat.store.worker.Workers;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this runner's row in the {@code worker} table alive with a heartbeat, removes it on a clean
 * shutdown, and removes rows of runners whose heartbeat stopped (killed or partitioned), through the
 * store's {@link Workers}.
 */
@Singleton
public class WorkerRegistry implements ApplicationEventListener<ApplicationStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);

    private final WorkerIdentity identity;
    private final RunnerCredential credential;
    private final ApplicationEventPublisher<CredentialRevoked> revocations;
    private final Database db;
    private final JsonMapper json;
    private final Duration deadAfter;
    private final ServeAddress serveAddress;

    public WorkerRegistry(WorkerIdentity identity, RunnerCredential credential,
                          ApplicationEventPublisher<CredentialRevoked> revocations, Database db,
                          JsonMapper json, @Value("${modelcat.runner.dead-after:30s}") Duration deadAfter,
                          ServeAddress serveAddress) {
        this.identity = identity;
        this.credential = credential;
        this.revocations = revocations;
        this.db = db;
        this.json = json;
        this.deadAfter = deadAfter;
        this.serveAddress = serveAddress;
    }

    @Override
    public void onApplicationEvent(ApplicationStartupEvent event) {
        heartbeat();
        LOG.info("Worker {} registered: {} CPU cores, {} MiB memory, {} GPU(s)", identity.id(), identity.cpuCores(),
                identity.memoryBytes() >> 20, identity.gpus().size());
    }

    /**
     * Checks the runner token, then refreshes this worker's row (re-creating it if a janitor removed it)
     * and prunes dead workers. A token that is no longer valid takes the worker out of the list for good
     * and tells the scheduler to stop taking jobs.
     */
    @Scheduled(fixedDelay = "${modelcat.runner.heartbeat-interval:5s}", initialDelay = "${modelcat.runner.heartbeat-interval:5s}")
    public void heartbeat() {
        if (!credential.valid()) {
            return;
        }
        try {
            RunnerTokens.Status status = credential.recheck();
            if (status != RunnerTokens.Status.VALID) {
                String reason = RunnerCredential.refusal(status);
                LOG.error("Worker {} stops taking jobs: {}", identity.id(), reason);
                deregister();
                revocations.publishEvent(new CredentialRevoked(reason));
                return;
            }
        } catch (RuntimeException e) {
            LOG.warn("Worker {} could not check its runner token: {}", identity.id(), e.getMessage());
            return;
        }
        try {
            db.write(c -> {
                Workers.heartbeat(c, new Workers.Machine(identity.id(), identity.host(), identity.cpuCores(),
                        identity.memoryBytes(), json.writeValueAsString(identity.gpus()), serveAddress.url()),
                        credential.tokenId());
                Workers.pruneDead(c, deadAfter);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("Heartbeat of worker {} failed: {}", identity.id(), e.getMessage());
        }
    }

    /** Removes this worker's row; called on a clean shutdown. */
    void deregister() {
        try {
            db.write(c -> {
                Workers.remove(c, identity.id());
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("Could not deregister worker {}: {}", identity.id(), e.getMessage());
        }
    }

    /** Deregisters on shutdown so that the worker list is right at once, not after the timeout. */
    @Singleton
    static final class OnShutdown implements ApplicationEventListener<ShutdownEvent> {

        private final WorkerRegistry registry;

        OnShutdown(WorkerRegistry registry) {
            this.registry = registry;
        }

        @Override
        public void onApplicationEvent(ShutdownEvent event) {
            registry.deregister();
        }
    }
}
