package io.modelcat.jobs;

import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

/**
 * The Quartz job class stored for every ModelCat job. Runners install a JobFactory that executes it
 * with their own executor; a Quartz member without one (the catalog) never runs jobs.
 */
public final class QueuedJob implements Job {

    /** Key of the ModelCat job id in the JobDataMap. */
    public static final String JOB_ID = "jobId";

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        throw new JobExecutionException("This Quartz member has no job executor; only job-runners execute jobs");
    }
}
