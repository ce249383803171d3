package io.modelcat.runner.execute;

import io.modelcat.jobs.JobKind;
import java.util.Map;

/** Does the work of one kind of job. Implementations check {@link JobContext#cancelled()} often. */
public interface JobHandler {

    JobKind kind();

    /** Runs the job and returns its result (stored as JSON on the job). */
    Map<String, Object> run(JobContext context) throws Exception;
}
