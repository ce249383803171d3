package io.modelcat.catalog.batch;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.job.JobView;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A batch endpoint as the API shows it, with its deployments. */
@Serdeable
@Schema(name = "BatchEndpoint")
public record BatchEndpointView(String name, String description,
                                @Nullable @Schema(description = "what invocations run when they name no deployment")
                                String defaultDeployment,
                                @Schema(description = "where invocations are posted") String invocationPath,
                                @Nullable String createdBy, Instant createdAt, Instant updatedAt,
                                List<Deployment> deployments) {

    /** A deployment: the model version invocations score with. */
    @Serdeable
    @Schema(name = "BatchDeployment")
    public record Deployment(String name, UUID modelId, String modelName, int versionNumber, String task,
                             @Schema(description = "runners that score an invocation's mini-batches at once")
                             int instanceCount, Instant createdAt) {
    }

    /** All batch endpoints. */
    @Serdeable
    @Schema(name = "BatchEndpoints")
    public record Endpoints(List<BatchEndpointView> items) {
    }

    /**
     * One invocation: the deployment it ran, its job (state, progress with mini-batches, result), and the
     * paths of its outputs once it has succeeded.
     */
    @Serdeable
    @Schema(name = "BatchJob")
    public record Job(String deployment, JobView job,
                      @Nullable @Schema(description = "predictions.csv and predictions.jsonl by file name, once succeeded")
                      Map<String, String> outputs) {
    }

    /** An endpoint's invocations, newest first. */
    @Serdeable
    @Schema(name = "BatchJobs")
    public record Jobs(List<Job> items) {
    }
}
