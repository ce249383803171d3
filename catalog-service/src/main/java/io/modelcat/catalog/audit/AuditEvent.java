package io.modelcat.catalog.audit;

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
        UUID actorId,
        @Schema(description = "the username, or 'system', or the name tried at a failed sign-in") String actor,
        @Schema(description = "e.g. job.submit, job.cancel, model.register, model.delete, user.create, login") String action,
        String targetType,
        String targetId,
        @Schema(description = "success, denied (not allowed) or failure") String outcome,
        String remoteAddr,
        Map<String, Object> details) {
}
