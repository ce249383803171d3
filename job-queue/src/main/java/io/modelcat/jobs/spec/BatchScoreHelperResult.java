package io.modelcat.jobs.spec;

import java.util.UUID;

/**
 * What a helper of a batch invocation did: the mini-batches it scored and their bad rows; the outputs are the
 * invocation's.
 */
public record BatchScoreHelperResult(UUID invocationJobId, int miniBatches, long badRows) implements JobResult {
}
