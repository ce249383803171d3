package io.modelcat.catalog.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One audit record: who did what to which thing, when, from where, and how it ended. */
@Serdeable
@Schema(name = "AuditEvent")
public record AuditEvent(
        long id,
        Instant at,
        @Nullable UUID actorId,
        @Schema(description = "the username, or 'system', or the name tried at a failed sign-in") String actor,
        @Schema(description = "e.g. job.submit, job.cancel, model.register, model.delete, user.create, login") String action,
        @Nullable String targetType,
        @Nullable String targetId,
        @Schema(description = "success, denied (not allowed) or failure") String outcome,
        @Nullable String remoteAddr,
        @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> details) {
}
