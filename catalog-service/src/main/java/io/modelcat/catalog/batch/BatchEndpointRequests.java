package io.modelcat.catalog.batch;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.job.JobRequests;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.UUID;

/** The bodies of the batch endpoint API's changes and invocations (docs/deployments.md, "Batch endpoints"). */
public final class BatchEndpointRequests {

    /** A batch endpoint's or a deployment's name, as online endpoints have them. */
    static final String NAME = "^[a-z][a-z0-9-]{2,31}$";
    static final String NAME_RULE = "must be 3 to 32 lowercase letters, digits and '-', starting with a letter";

    private BatchEndpointRequests() {
    }

    /** A new batch endpoint. */
    @Serdeable
    @Schema(name = "CreateBatchEndpoint")
    public record CreateEndpoint(
            @NotBlank @Pattern(regexp = NAME, message = NAME_RULE) String name,
            @Nullable @Size(max = 2000) String description) {
    }

    /** A new deployment in a batch endpoint: the model version its invocations score with. */
    @Serdeable
    @Schema(name = "CreateBatchDeployment")
    public record CreateDeployment(
            @NotBlank @Pattern(regexp = NAME, message = NAME_RULE) String name,
            @NotNull UUID modelId,
            @Nullable @Min(1) @Schema(description = "default: the newest version") Integer versionNumber,
            @Nullable @Schema(description = "runners that score each invocation's mini-batches at once (Azure ML's "
                    + "instance_count); a whole number between 1 and 16 (default 1)") Integer instanceCount) {
    }

    /** Changes to a batch deployment; what is left out stays. Invocations submitted before keep what they had. */
    @Serdeable
    @Schema(name = "UpdateBatchDeployment")
    public record UpdateDeployment(
            @Nullable @Min(1) @Schema(description = "a version of the deployment's model, with files") Integer versionNumber,
            @Nullable @Schema(description = "runners that score each invocation's mini-batches at once (Azure ML's "
                    + "instance_count); a whole number between 1 and 16") Integer instanceCount) {
    }

    /** Which deployment invocations run when they name none. */
    @Serdeable
    @Schema(name = "SetDefaultBatchDeployment")
    public record SetDefault(@NotBlank String deployment) {
    }

    /** An invocation: score a dataset's rows in mini-batches. */
    @Serdeable
    @Schema(name = "InvokeBatchEndpoint")
    public record Invoke(
            @NotNull @Schema(description = "an uploaded dataset (POST /api/v1/datasets)") UUID datasetId,
            @Nullable @Schema(description = "default: the endpoint's default deployment") String deployment,
            @Nullable @Schema(description = "the task's inputs (text, text2, question, context) to dataset columns; "
                    + "default: each input to the column of its name") Map<String, String> inputColumns,
            @Nullable @Schema(description = "rows per mini-batch: the unit of progress, of retries and of resuming; "
                    + "a whole number between 1 and 10000 (default 10)") Integer miniBatchSize,
            @Nullable @Schema(description = "bad rows tolerated before the job fails; -1 ignores bad rows; a whole "
                    + "number between -1 and 1000000000 (default -1)") Integer errorThreshold,
            @Nullable @Schema(description = "attempts of a failing mini-batch after its first one; a whole number "
                    + "between 0 and 10 (default 3)") Integer maxRetries,
            @Nullable @Schema(description = "runners that score an invocation's mini-batches at once (an invocation "
                    + "without one takes its deployment's); a whole number between 1 and 16 (default 1)")
            Integer instanceCount,
            @Nullable @Valid JobRequests.DeviceInput device,
            @Nullable @Min(0) @Max(9) Integer priority,
            @Nullable @Schema(description = "the CSV output's name (Azure's output_file_name): letters, digits, '.', "
                    + "'_' and '-', ending in .csv, at most 100 characters (default predictions.csv); the JSON lines are "
                    + "written beside it with the same name ending in .jsonl") String outputFileName) {
    }
}
