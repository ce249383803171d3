package io.modelcat.runner.schedule;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.event.ApplicationStartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.QuartzSettings;
import io.modelcat.runner.execute.QuartzJobBridge;
import io.modelcat.runner.execute.RunnerShutdown;
import io.modelcat.runner.worker.CredentialRevoked;
import io.modelcat.runner.worker.RunnerCredential;
import io.modelcat.runner.worker.WorkerIdentity;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This runner's memberships in the Quartz clusters it can serve: {@code modelcat-cpu} always, and
 * {@code modelcat-gpu-N} for each N up to its GPU count (with as many threads as it could run such
 * jobs at once). Started after start-up; on shutdown, running jobs are handed back first.
 */
@Singleton
public class RunnerScheduler implements ApplicationEventListener<ApplicationStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(RunnerScheduler.class);

    private static final TriggerKey WAKE_UP = TriggerKey.triggerKey("wake-up", "modelcat-signals");

    private final List<Scheduler> schedulers = new ArrayList<>();
    private final RunnerShutdown shutdown;

    /**
     * Prepares the memberships; {@code credential} is made (and so checked) first, so that a runner
     * without a valid token never joins a cluster.
     */
    public RunnerScheduler(WorkerIdentity worker, RunnerCredential credential, QuartzJobBridge bridge, RunnerShutdown shutdown,
                           @Value("${datasources.default.url}") String jdbcUrl,
                           @Value("${datasources.default.username:}") String user,
                           @Value("${datasources.default.password:}") String password,
                           @Value("${modelcat.runner.cpu-slots:1}") int cpuSlots,
                           @Value("${modelcat.runner.idle-wait:1s}") Duration idleWait) throws SchedulerException {
        this.shutdown = shutdown;
        List<QuartzSettings> memberships = new ArrayList<>();
        memberships.add(new QuartzSettings(DeviceRequest.cpu().schedulerName(), worker.id(), cpuSlots, jdbcUrl,
                user, password, idleWait.toMillis()));
        int gpuCount = worker.gpus().size();
        for (int n = 1; n <= Math.min(gpuCount, DeviceRequest.MAX_GPUS); n++) {
            memberships.add(new QuartzSettings(new DeviceRequest(DeviceRequest.GPU, n).schedulerName(), worker.id(),
                    gpuCount / n, jdbcUrl, user, password, idleWait.toMillis()));
        }
        for (QuartzSettings settings : memberships) {
            Scheduler scheduler = new StdSchedulerFactory(settings.toProperties()).getScheduler();
            // Quartz keeps schedulers in a JVM-wide registry by name; this runner owns its instances, so
            // that several runners can share one JVM (as in tests) without being handed each other's.
            SchedulerRepository.getInstance().remove(settings.schedulerName());
            scheduler.setJobFactory(bridge);
            schedulers.add(scheduler);
        }
    }

    @Override
    public void onApplicationEvent(ApplicationStartupEvent event) {
        for (Scheduler scheduler : schedulers) {
            try {
                scheduler.start();
                LOG.info("Joined Quartz cluster {} as {}", scheduler.getSchedulerName(), scheduler.getSchedulerInstanceId());
            } catch (SchedulerException e) {
                throw new IllegalStateException("Could not start the Quartz scheduler: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Wakes this runner's member of {@code cluster} so that it looks for due jobs now instead of
     * after its idle wait. Quartz signals its scheduler thread on any trigger change made through
     * it; resuming a trigger that does not exist is the cheapest such change.
     */
    public void wake(String cluster) {
        for (Scheduler scheduler : schedulers) {
            try {
                if (scheduler.getSchedulerName().equals(cluster) && scheduler.isStarted() && !scheduler.isInStandbyMode()) {
                    scheduler.resumeTrigger(WAKE_UP);
                }
            } catch (SchedulerException e) {
                LOG.debug("Could not wake {}: {}", cluster, e.getMessage());
            }
        }
    }

    /** Leaves the clusters when the runner token stops being valid: no new jobs, running ones handed back. */
    @EventListener
    void onCredentialRevoked(CredentialRevoked event) throws SchedulerException {
        LOG.error("Leaving the job clusters: {}", event.reason());
        stop();
    }

    @PreDestroy
    synchronized void stop() throws SchedulerException {
        for (Scheduler scheduler : schedulers) {
            if (!scheduler.isShutdown()) {
                scheduler.standby();
            }
        }
        shutdown.handBackRunningJobs();
        for (Scheduler scheduler : schedulers) {
            if (!scheduler.isShutdown()) {
                scheduler.shutdown(true);
            }
        }
    }
}
