package io.modelcat.jobs.spec;

/** What a job left when it succeeded: one record per job kind, kept as JSON in the job's row. */
public sealed interface JobResult permits ImportResult, EvaluateResult, FinetuneResult, PredictResult,
        BatchScoreResult, BatchScoreHelperResult, BulkTestResult, NoopResult {
}
