package io.modelcat.catalog.deploy;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.UUID;

/** The bodies of the endpoint API's changes (docs/deployments.md). */
public final class EndpointRequests {

    /** An endpoint's or a deployment's name. */
    static final String NAME = "^[a-z][a-z0-9-]{2,31}$";
    static final String NAME_RULE = "must be 3 to 32 lowercase letters, digits and '-', starting with a letter";

    private EndpointRequests() {
    }

    /** A new online endpoint. */
    @Serdeable
    @Schema(name = "CreateEndpoint")
    public record CreateEndpoint(
            @NotBlank @Pattern(regexp = NAME, message = NAME_RULE) String name,
            @Nullable @Size(max = 2000) String description,
            @Nullable @Pattern(regexp = "key|token", message = "must be key or token")
            @Schema(description = "key (default): the endpoint's own two keys; token: personal API tokens") String authMode) {
    }

    static final String CPU_CORES = "CPU cores each instance reserves on its runner and runs its forward passes on "
            + "(placed only where that many are not reserved yet); 0 (default): shares the runner's cores, none reserved";

    /** A new deployment in an endpoint: of a model version, or of a saved prompt flow. */
    @Serdeable
    @Schema(name = "CreateDeployment")
    public record CreateDeployment(
            @NotBlank @Pattern(regexp = NAME, message = NAME_RULE) String name,
            @Nullable @Schema(description = "the model to serve; give it or flow") UUID modelId,
            @Nullable @Size(max = 63) @Schema(description = "a saved prompt flow to serve (docs/flows.md); give it or "
                    + "modelId") String flow,
            @Nullable @Schema(description = "flow deployments: the variant each step runs (a step not named runs its "
                    + "first)") Map<String, String> variants,
            @Nullable @Min(1) @Schema(description = "default: the newest version") Integer versionNumber,
            @Nullable @Min(1) @Max(8) @Schema(description = "default 1") Integer instanceCount,
            @Nullable @Pattern(regexp = "cpu|gpu", message = "must be cpu or gpu") @Schema(description = "default cpu") String device,
            @Nullable @Min(0) @Max(256) @Schema(description = CPU_CORES) Integer cpuCores,
            @Nullable @Min(1) @Max(256) @Schema(description = "default 4 (a flow's: 16, in each catalog service); beyond "
                    + "it callers get 429") Integer maxConcurrentRequestsPerInstance,
            @Nullable @Min(100) @Max(300_000) @Schema(description = "default 5000 (a flow's: 60000); beyond it callers get "
                    + "504") Integer requestTimeoutMs,
            @Nullable @Min(1) @Max(64) @Schema(description = "dynamic batching: most inputs an instance runs at once "
                    + "(default 8)") Integer maxBatchSize,
            @Nullable @Min(0) @Max(1000) @Schema(description = "dynamic batching: most milliseconds the first call waits "
                    + "for others to join its batch (default 2)") Integer maxBatchDelayMs) {
    }

    /** New settings of a deployment; what is left out stays as it is. */
    @Serdeable
    @Schema(name = "UpdateDeployment")
    public record UpdateDeployment(
            @Nullable @Min(1) @Schema(description = "another version of the same model: its instances replace the "
                    + "current ones once they are ready, without a gap") Integer versionNumber,
            @Nullable @Schema(description = "flow deployments: true serves the flow as it is saved now (its newest "
                    + "version) from the next call on") Boolean redeployFlow,
            @Nullable @Schema(description = "flow deployments: the variant each step runs, replacing the choice made "
                    + "before") Map<String, String> variants,
            @Nullable @Min(1) @Max(8) Integer instanceCount,
            @Nullable @Min(0) @Max(256) @Schema(description = CPU_CORES + "; a change replaces the instances once the "
                    + "new ones are ready, without a gap") Integer cpuCores,
            @Nullable @Min(1) @Max(256) Integer maxConcurrentRequestsPerInstance,
            @Nullable @Min(100) @Max(300_000) Integer requestTimeoutMs,
            @Nullable @Min(1) @Max(64) Integer maxBatchSize,
            @Nullable @Min(0) @Max(1000) Integer maxBatchDelayMs) {
    }

    /** A new traffic map. */
    @Serdeable
    @Schema(name = "SetTraffic")
    public record SetTraffic(
            @NotNull @Schema(description = "percent per deployment, summing to 0 or 100") Map<String, Integer> traffic) {
    }

    /** The mirror: a share of the calls copied to one deployment, its answers dropped. */
    @Serdeable
    @Schema(name = "SetMirror")
    public record SetMirror(
            @NotNull @Schema(description = "one deployment and its percentage (0 to 50); {} mirrors nothing")
            Map<String, Integer> mirror) {
    }

    /** Which key to make anew. */
    @Serdeable
    @Schema(name = "RegenerateKey")
    public record RegenerateKey(@NotBlank @Pattern(regexp = "primary|secondary", message = "must be primary or secondary")
                                String keyType) {
    }
}
