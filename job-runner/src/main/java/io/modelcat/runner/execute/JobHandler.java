package io.modelcat.runner.execute;

import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.JobResult;
import io.modelcat.jobs.spec.JobSpec;

/**
 * Does the work of one kind of job, given its typed specification. Implementations check
 * {@link JobContext#cancelled()} often.
 *
 * @param <S> the kind's specification
 */
public interface JobHandler<S extends JobSpec> {

    JobKind kind();

    /** The kind's specification type, which the job's stored JSON is read as. */
    Class<S> specType();

    /** Runs the job and returns its result (stored as JSON on the job). */
    JobResult run(S spec, JobContext context) throws Exception;
}
