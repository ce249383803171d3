package io.modelcat.runner.execute;

import io.modelcat.jobs.QueuedJob;
import jakarta.inject.Singleton;
import java.util.UUID;
import org.quartz.Job;
import org.quartz.Scheduler;
import org.quartz.spi.JobFactory;
import org.quartz.spi.TriggerFiredBundle;

/** Hands every Quartz firing of a ModelCat job to the {@link JobExecutor}; the only Quartz-facing code of execution. */
@Singleton
public class QuartzJobBridge implements JobFactory {

    private final JobExecutor executor;

    public QuartzJobBridge(JobExecutor executor) {
        this.executor = executor;
    }

    @Override
    public Job newJob(TriggerFiredBundle bundle, Scheduler scheduler) {
        UUID jobId = UUID.fromString(bundle.getJobDetail().getJobDataMap().getString(QueuedJob.JOB_ID));
        return context -> executor.execute(jobId, context.isRecovering());
    }
}
