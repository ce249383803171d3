package io.modelcat.catalog.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.access.UserRef;
import io.modelcat.jobs.JobState;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A job as the API shows it: what it is, where it runs, how far it got and how it ended. */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        UUID id,
        String kind,
        String state,
        @Nullable UUID modelId,
        @Nullable UUID modelVersionId,
        @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> params,
        Device device,
        int priority,
        double progress,
        @Nullable @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> progressDetail,
        @Nullable @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> result,
        @Nullable String workerId,
        int attempt,
        int maxAttempts,
        @Nullable Integer timeLimitSeconds,
        boolean cancelRequested,
        @Nullable String error,
        @Nullable String errorCause,
        Instant submittedAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        Instant updatedAt,
        @Nullable @Schema(description = "who submitted it; absent for jobs from before accounts existed") UserRef submittedBy,
        @Schema(description = "true while the job cannot move: its runner stopped answering (a running job, which "
                + "continues from its last checkpoint when a runner takes it), or no runner is there (a queued job)")
        boolean waitingForRunner) {

    /** The device the job asked for. */
    @Serdeable
    public record Device(String kind, int count) {
    }

    public boolean isFinal() {
        return JobState.fromWireName(state).map(JobState::isFinal).orElse(false);
    }
}
