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
import io.modelcat.catalog.access.AccountRequests;
import io.modelcat.catalog.access.ApiToken;
import io.modelcat.catalog.access.ApiTokenService;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.RequestIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;

/** The caller's own personal API tokens: {@code /api/v1/tokens}. */
@Controller("/api/v1/tokens")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.VIEWER)
@Tag(name = "Access")
public class TokenController {

    private final ApiTokenService tokens;

    public TokenController(ApiTokenService tokens) {
        this.tokens = tokens;
    }

    @Get
    @Operation(summary = "List your API tokens, newest first (revoked and expired ones too)")
    public List<ApiToken> list(@RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return tokens.tokensOf(caller.userId(), caller);
    }

    @Post
    @Status(HttpStatus.CREATED)
    @Operation(summary = "Create an API token for yourself",
            description = "The answer holds the token; it is shown only this once. It acts with your role.")
    public HttpResponse<AccountRequests.IssuedApiToken> create(@Body @Valid AccountRequests.CreateToken body,
                                                              @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        AccountRequests.IssuedApiToken issued = tokens.issue(caller.userId(), body, caller);
        return HttpResponse.created(issued, URI.create("/api/v1/tokens/" + issued.token().id()));
    }

    @Delete("/{id}")
    @Operation(summary = "Revoke an API token", description = "Yours, or anyone's for an admin. It stops working at once.")
    public ApiToken revoke(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return tokens.revoke(RequestIds.parse("id", id), caller);
    }
}
