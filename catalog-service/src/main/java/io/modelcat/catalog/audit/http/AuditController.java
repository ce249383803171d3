package io.modelcat.catalog.audit.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.audit.AuditPage;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

/** The audit log, for admins: {@code /api/v1/audit}. */
@Controller("/api/v1/audit")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.ADMIN)
@Tag(name = "Audit", description = "Who submitted, cancelled, registered, deleted or changed what")
public class AuditController {

    private final AuditLog audit;

    public AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @Get
    @Operation(summary = "Audit records, newest first", description = "Pages continue with the returned nextCursor.")
    public AuditPage list(
            @Parameter(description = "username") @Nullable @QueryValue("actor") String actor,
            @Parameter(description = "an action (job.cancel), or a prefix ending in '.' (job.)") @Nullable @QueryValue("action") String action,
            @Parameter(description = "job, model, dataset, user, api_token, runner_token, secret") @Nullable @QueryValue("targetType") String targetType,
            @Parameter(description = "the target's id") @Nullable @QueryValue("targetId") String targetId,
            @Parameter(description = "success, denied or failure") @Nullable @QueryValue("outcome") String outcome,
            @Parameter(description = "1 to 200 (default 50)") @Nullable @QueryValue("limit") Integer limit,
            @Parameter(description = "nextCursor of the previous page") @Nullable @QueryValue("cursor") String cursor) {
        return audit.list(actor, action, targetType, targetId, outcome, limit, cursor);
    }
}
