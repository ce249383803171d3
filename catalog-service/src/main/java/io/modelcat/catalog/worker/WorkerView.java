package io.modelcat.catalog.worker;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A live job-runner: its machine, its GPUs, the jobs it runs now, and the runner token it started with. */
@Serdeable
public record WorkerView(String id, String host, int cpuCores, long memoryBytes,
                         @ArraySchema(schema = @Schema(type = "object",
                                 additionalProperties = Schema.AdditionalPropertiesValue.TRUE))
                         List<Map<String, Object>> gpus,
                         Instant startedAt, Instant heartbeatAt, List<UUID> runningJobs,
                         @Schema(description = "the runner token it proved itself with (revoke it to stop the runner)")
                         @Nullable RunnerTokenRef runnerToken) {

    /** Which runner token a worker uses. */
    @Serdeable
    @Schema(name = "RunnerTokenRef")
    public record RunnerTokenRef(UUID id, String name) {
    }
}
