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

    /** A deployment: its model version, settings and state. */
    @Serdeable
    @Schema(name = "Deployment")
    public record Deployment(String name, UUID modelId, String modelName, int versionNumber, String task,
                             int instanceCount, String device, int maxConcurrentRequestsPerInstance,
                             int requestTimeoutMs, int maxBatchSize, int maxBatchDelayMs,
                             @Schema(description = "creating, ready, updating (instances of a new version are "
                                     + "loading while the old ones answer) or failed") String state,
                             @Nullable @Schema(description = "why it is not ready") String reason,
                             Instant createdAt, Instant updatedAt, List<Instance> instances) {
    }

    /** An instance of a deployment on a runner. */
    @Serdeable
    @Schema(name = "DeploymentInstance")
    public record Instance(UUID id, String worker, @Schema(description = "the model version it serves") int versionNumber,
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
