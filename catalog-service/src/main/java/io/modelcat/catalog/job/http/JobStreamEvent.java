package io.modelcat.catalog.job.http;

import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One Server-Sent Event of a job's stream as the OpenAPI document describes it (the stream itself is made of
 * Micronaut's {@code Event}s): its name, its data as JSON text, and for log lines their id.
 */
@Schema(name = "JobStreamEvent")
record JobStreamEvent(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"job", "log", "end"}, description = "job: the job changed; log: a log line; "
                + "end: the job has ended (the stream closes)") String event,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "JSON: the job (a JobView) for 'job', the line (a JobLogEntry) for 'log', the final "
                + "state as a JSON string for 'end'") String data,
        @Nullable @Schema(description = "the log line's id, for 'log' events") String id) {
}
