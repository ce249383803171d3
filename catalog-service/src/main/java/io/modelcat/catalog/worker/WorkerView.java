package io.modelcat.catalog.worker;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A live job-runner: its machine, its GPUs and the jobs it runs now. */
@Serdeable
public record WorkerView(String id, String host, int cpuCores, long memoryBytes, List<Map<String, Object>> gpus,
                         Instant startedAt, Instant heartbeatAt, List<UUID> runningJobs) {
}
