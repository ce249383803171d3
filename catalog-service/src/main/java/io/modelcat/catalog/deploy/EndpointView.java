package io.modelcat.catalog.deploy;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An online endpoint as the API shows it, with its deployments and their instances. */
@Serdeable
@Schema(name = "Endpoint")
public record EndpointView(String name, String description, String authMode, String scoringUri, String openaiBaseUrl,
                           @Nullable @Schema(description = "key mode only: the scoring URI in Azure's shape, <base>/score,"
                                   + " where the key names the endpoint (LangChain's AzureMLOnlineEndpoint wants it)")
                           String keyScoringUri,
                           Map<String, Integer> traffic,
                           @Schema(description = "the share of calls copied to one deployment, its answers dropped")
                           Map<String, Integer> mirror, @Nullable String createdBy, Instant createdAt,
                           Instant updatedAt, List<Deployment> deployments) {

    /** A deployment: its model version or prompt flow, settings and state. */
    @Serdeable
    @Schema(name = "Deployment")
    public record Deployment(String name, @Nullable UUID modelId, @Nullable String modelName,
                             @Nullable Integer versionNumber,
                             @Schema(description = "the model's task, or prompt-flow") String task,
                             @Nullable @Schema(description = "what a flow deployment serves; absent for a model's")
                             FlowServed flow,
                             int instanceCount, String device,
                             @Schema(description = "CPU cores each instance reserves on its runner; 0: none, it shares "
                                     + "the runner's cores") int cpuCores,
                             int maxConcurrentRequestsPerInstance,
                             int requestTimeoutMs, int maxBatchSize, int maxBatchDelayMs,
                             @Schema(description = "creating, ready, updating (instances of a new version or CPU "
                                     + "cores are loading while the old ones answer) or failed") String state,
                             @Nullable @Schema(description = "why it is not ready") String reason,
                             Instant createdAt, Instant updatedAt, List<Instance> instances) {
    }

    /** The prompt flow a flow deployment serves (docs/flows.md, "Deploying a flow"). */
    @Serdeable
    @Schema(name = "DeployedFlow")
    public record FlowServed(String name, @Schema(description = "the flow's version it serves") int version,
                             @Schema(description = "what a call sends, as a JSON object") List<String> inputs,
                             @Schema(description = "the variant each step runs (a step not named runs its first)")
                             Map<String, String> variants,
                             @Nullable @Schema(description = "whose LLM calls its steps are (its creator)") String runsAs) {
    }

    /** An instance of a deployment on a runner. */
    @Serdeable
    @Schema(name = "DeploymentInstance")
    public record Instance(UUID id, String worker, @Schema(description = "the model version it serves") int versionNumber,
                           @Schema(description = "the CPU cores it reserves (0: none)") int cpuCores,
                           @Schema(description = "loading, ready or failed") String state, @Nullable String reason) {
    }

    /** The endpoints. */
    @Serdeable
    @Schema(name = "Endpoints")
    public record Endpoints(List<EndpointView> items) {
    }

    /** An endpoint's keys. */
    @Serdeable
    @Schema(name = "EndpointKeys")
    public record Keys(String primaryKey, String secondaryKey) {

        @Override
        public String toString() {
            return "Keys[…]";
        }
    }
}
