package io.modelcat.jobs.spec;

import io.modelcat.jobs.JobKind;

/**
 * What a job is asked to do: one record per {@link JobKind}, validated by the catalog before the job is
 * stored, kept as JSON in the job's row ({@link JobSpecs}), and read back typed by the runner.
 */
public sealed interface JobSpec permits ImportSpec, EvaluateSpec, FinetuneSpec, PredictSpec, BatchScoreSpec,
        BatchScoreHelperSpec, BulkTestSpec, NoopSpec {

    JobKind kind();
}
