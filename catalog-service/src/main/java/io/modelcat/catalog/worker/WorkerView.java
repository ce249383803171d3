package io.modelcat.catalog.worker;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A live job-runner: its machine, its GPUs, the jobs it runs now, the runner token it started with, and the deployment
 * instances it serves with the CPU cores they reserve.
 */
@Serdeable
public record WorkerView(String id, String host, int cpuCores, long memoryBytes,
                         @ArraySchema(schema = @Schema(type = "object",
                                 additionalProperties = Schema.AdditionalPropertiesValue.TRUE))
                         List<Map<String, Object>> gpus,
                         Instant startedAt, Instant heartbeatAt, List<UUID> runningJobs,
                         @Schema(description = "the runner token it proved itself with (revoke it to stop the runner)")
                         @Nullable RunnerTokenRef runnerToken,
                         @Schema(description = "deployment instances placed on it") int servedInstances,
                         @Schema(description = "of its CPU cores, those its instances reserve (docs/deployments.md)")
                         int reservedCores) {

    /** Which runner token a worker uses. */
    @Serdeable
    @Schema(name = "RunnerTokenRef")
    public record RunnerTokenRef(UUID id, String name) {
    }
}
