package io.modelcat.catalog.access.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.RunnerTokenService;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.RequestIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;

/** Job-runner credentials, for admins: {@code /api/v1/runner-tokens}. */
@Controller("/api/v1/runner-tokens")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.ADMIN)
@Tag(name = "Access")
public class RunnerTokenController {

    private final RunnerTokenService runnerTokens;

    public RunnerTokenController(RunnerTokenService runnerTokens) {
        this.runnerTokens = runnerTokens;
    }

    @Get
    @Operation(summary = "List runner tokens, newest first")
    public List<RunnerTokenService.RunnerTokenView> list() {
        return runnerTokens.list();
    }

    @Post
    @Status(HttpStatus.CREATED)
    @Operation(summary = "Issue a runner token",
            description = "Start a job-runner with MODELCAT_RUNNER_TOKEN set to the answer's value (shown only this once); "
                    + "a runner without a valid token refuses to start.")
    public HttpResponse<RunnerTokenService.IssuedRunnerToken> create(@Body @Valid RunnerTokenService.CreateRunnerToken body,
                                                                    @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        RunnerTokenService.IssuedRunnerToken issued = runnerTokens.issue(body, caller);
        return HttpResponse.created(issued, URI.create("/api/v1/runner-tokens/" + issued.token().id()));
    }

    @Delete("/{id}")
    @Operation(summary = "Revoke a runner token",
            description = "Runners using it stop taking jobs and hand running ones back within one heartbeat (5 s).")
    public RunnerTokenService.RunnerTokenView revoke(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id,
                                                     @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return runnerTokens.revoke(RequestIds.parse("id", id), caller);
    }
}
