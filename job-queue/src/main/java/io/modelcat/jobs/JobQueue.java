package io.modelcat.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Puts jobs into, and takes them out of, the Quartz clusters that runners execute from. It holds one
 * scheduling-only Quartz member per device cluster and never executes anything itself.
 *
 * <p>Order: Quartz hands out due triggers by fire time. A job's first trigger is due at its submission
 * time moved back by a year per priority level, with misfires ignored, so the queue runs by priority
 * and then by submission time (for submissions less than a year apart).
 */
public final class JobQueue implements AutoCloseable {

    /**
     * PostgreSQL notification channel on which submitters announce a queued job (the payload is the
     * Quartz cluster's name), so that idle runners wake up at once.
     */
    public static final String SUBMISSION_CHANNEL = "modelcat_job_queued";

    /** Highest job priority; 0 is the default and the lowest. */
    public static final int MAX_PRIORITY = 9;
    static final String GROUP = "modelcat";
    private static final Duration PRIORITY_STEP = Duration.ofDays(365);

    private final Function<String, Properties> settings;
    private final Map<String, Scheduler> schedulers = new ConcurrentHashMap<>();

    /** {@code settings} gives the Quartz properties of a scheduling-only member of the named cluster. */
    public JobQueue(Function<String, Properties> settings) {
        this.settings = settings;
    }

    /** Queues a job to start as soon as a runner of its device cluster is free. */
    public void submit(UUID jobId, DeviceRequest device, int priority, Instant submittedAt) {
        if (priority < 0 || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be 0 to " + MAX_PRIORITY + ", got " + priority);
        }
        Instant due = submittedAt.minus(PRIORITY_STEP.multipliedBy(priority));
        schedule(jobId, device, priority, due, SimpleTrigger.MISFIRE_INSTRUCTION_IGNORE_MISFIRE_POLICY);
    }

    /** Queues another attempt of a job, not before {@code notBefore} (a retry after a transient failure). */
    public void retry(UUID jobId, DeviceRequest device, int priority, Instant notBefore) {
        schedule(jobId, device, priority, notBefore, SimpleTrigger.MISFIRE_INSTRUCTION_FIRE_NOW);
    }

    /** Removes a job's pending trigger; true if there was one. */
    public boolean withdraw(UUID jobId, DeviceRequest device) {
        try {
            return scheduler(device.schedulerName()).deleteJob(JobKey.jobKey(jobId.toString(), GROUP));
        } catch (SchedulerException e) {
            throw new IllegalStateException("Could not withdraw job " + jobId + ": " + e.getMessage(), e);
        }
    }

    private void schedule(UUID jobId, DeviceRequest device, int priority, Instant due, int misfireInstruction) {
        JobDetail detail = JobBuilder.newJob(QueuedJob.class)
                .withIdentity(jobId.toString(), GROUP)
                .usingJobData(QueuedJob.JOB_ID, jobId.toString())
                .requestRecovery(true)
                .build();
        SimpleScheduleBuilder once = SimpleScheduleBuilder.simpleSchedule().withRepeatCount(0);
        once = misfireInstruction == SimpleTrigger.MISFIRE_INSTRUCTION_FIRE_NOW
                ? once.withMisfireHandlingInstructionFireNow() : once.withMisfireHandlingInstructionIgnoreMisfires();
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(jobId.toString(), GROUP)
                .forJob(detail)
                .withPriority(priority)
                .startAt(Date.from(due))
                .withSchedule(once)
                .build();
        try {
            scheduler(device.schedulerName()).scheduleJob(detail, java.util.Set.of(trigger), true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("Could not queue job " + jobId + ": " + e.getMessage(), e);
        }
    }

    private Scheduler scheduler(String clusterName) {
        return schedulers.computeIfAbsent(clusterName, name -> {
            try {
                Scheduler s = new StdSchedulerFactory(settings.apply(name)).getScheduler();
                // Owned here, not shared through Quartz's JVM-wide registry with a runner in the same JVM.
                SchedulerRepository.getInstance().remove(name);
                return s;
            } catch (SchedulerException e) {
                throw new IllegalStateException("Could not open Quartz cluster " + name + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() {
        for (Scheduler s : schedulers.values()) {
            try {
                s.shutdown(false);
            } catch (SchedulerException e) {
                // closing anyway
            }
        }
        schedulers.clear();
    }
}
