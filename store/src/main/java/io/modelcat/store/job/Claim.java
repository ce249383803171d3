package io.modelcat.store.job;

import io.modelcat.jobs.DeviceRequest;
import java.time.Duration;
import java.util.UUID;

/**
 * A job a runner now owns: its kind, its specification as the JSON text stored on it, this attempt's number and
 * what the job asked for (null {@code timeLimit}: no limit), and how long ago it was submitted by the database's clock
 * ({@code sinceSubmitted}: a first attempt's wait in the queue, measured without the runner's clock).
 */
public record Claim(UUID id, String kind, String spec, int attempt, int maxAttempts, int priority,
                    DeviceRequest device, Duration timeLimit, Duration sinceSubmitted) {
}
