package io.modelcat.jobs.spec;

import io.modelcat.jobs.JobKind;
import java.util.UUID;

/**
 * Helps a {@code batch-score} invocation on another runner: claims and scores the invocation's mini-batches
 * beside it (docs/deployments.md, "How it runs"), writing them to the invocation's work folder; the
 * invocation's job writes the outputs.
 *
 * @param invocationJobId the {@code batch-score} job this one helps
 * @param instance        which of the invocation's instances this is: 1 to {@code instanceCount - 1} (the
 *                        invocation's own job is instance 0)
 * @param scoring         the invocation's specification
 */
public record BatchScoreHelperSpec(UUID invocationJobId, int instance, BatchScoreSpec scoring) implements JobSpec {

    @Override
    public JobKind kind() {
        return JobKind.BATCH_SCORE_HELPER;
    }
}
