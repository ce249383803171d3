package io.modelcat.store.job;

import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.JobState;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of the {@code job} table. The JSON columns come as their text ({@code params} is what
 * {@code JobSpecs.write} made of the job's specification); {@code submittedByName} is the submitter's username; {@code waitingForRunner} says that the runner of a running job
 * stopped beating (killed, or cut off), or that no runner is there for a queued one.
 */
public record JobRow(
        UUID id,
        JobKind kind,
        JobState state,
        UUID modelId,
        UUID modelVersionId,
        String params,
        String deviceKind,
        int deviceCount,
        int priority,
        double progress,
        String progressDetail,
        String result,
        String workerId,
        int attempt,
        int maxAttempts,
        Integer timeLimitSeconds,
        boolean cancelRequested,
        String error,
        String errorCause,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant updatedAt,
        UUID submittedBy,
        String submittedByName,
        boolean waitingForRunner) {
}
