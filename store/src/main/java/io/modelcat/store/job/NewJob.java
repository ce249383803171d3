package io.modelcat.store.job;

import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.spec.JobSpec;
import java.util.UUID;

/** A job to insert, already validated: it starts queued, with its specification in the {@code params} column. */
public record NewJob(UUID id, JobSpec spec, UUID modelId, UUID modelVersionId, DeviceRequest device, int priority,
                     int maxAttempts, Integer timeLimitSeconds, UUID submittedBy) {
}
