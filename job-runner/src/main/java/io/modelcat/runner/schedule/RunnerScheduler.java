package io.modelcat.runner.schedule;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.event.ApplicationStartupEvent;
import io.modelcat.runner.worker.WorkerIdentity;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** This runner's member of the Quartz cluster: started after start-up, shut down waiting for running jobs. */
@Singleton
public class RunnerScheduler implements ApplicationEventListener<ApplicationStartupEvent> {

    /** Name of the Quartz cluster for CPU jobs; every runner is a member. */
    public static final String CPU_SCHEDULER = "modelcat-cpu";

    private static final Logger LOG = LoggerFactory.getLogger(RunnerScheduler.class);

    private final Scheduler scheduler;

    public RunnerScheduler(WorkerIdentity worker,
                           @Value("${datasources.default.url}") String jdbcUrl,
                           @Value("${datasources.default.username:}") String user,
                           @Value("${datasources.default.password:}") String password,
                           @Value("${modelcat.runner.cpu-slots:1}") int cpuSlots,
                           @Value("${modelcat.runner.idle-wait:1s}") java.time.Duration idleWait)
            throws SchedulerException {
        QuartzSettings settings = new QuartzSettings(CPU_SCHEDULER, worker.id(), cpuSlots, jdbcUrl, user, password,
                idleWait.toMillis());
        this.scheduler = new StdSchedulerFactory(settings.toProperties()).getScheduler();
        // Quartz keeps schedulers in a JVM-wide registry by name; this runner owns its instance, so that
        // several runners can share one JVM (as in tests) without being handed each other's scheduler.
        SchedulerRepository.getInstance().remove(CPU_SCHEDULER);
    }

    @Override
    public void onApplicationEvent(ApplicationStartupEvent event) {
        try {
            scheduler.start();
            LOG.info("Joined Quartz cluster {} as {}", CPU_SCHEDULER, scheduler.getSchedulerInstanceId());
        } catch (SchedulerException e) {
            throw new IllegalStateException("Could not start the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    @PreDestroy
    void stop() throws SchedulerException {
        scheduler.shutdown(true);
    }
}
