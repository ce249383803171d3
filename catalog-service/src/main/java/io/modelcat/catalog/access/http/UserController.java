package io.modelcat.catalog.access.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
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
import io.modelcat.catalog.access.User;
import io.modelcat.catalog.access.UserService;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.RequestIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;

/** Accounts, for admins: {@code /api/v1/users}. */
@Controller("/api/v1/users")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.ADMIN)
@Tag(name = "Access")
public class UserController {

    private final UserService users;
    private final ApiTokenService tokens;

    public UserController(UserService users, ApiTokenService tokens) {
        this.users = users;
        this.tokens = tokens;
    }

    @Get
    @Operation(summary = "List accounts")
    public List<User> list() {
        return users.list();
    }

    @Post
    @Status(HttpStatus.CREATED)
    @Operation(summary = "Create an account", description = "Without a password it can only use API tokens (a service account).")
    public HttpResponse<User> create(@Body @Valid AccountRequests.CreateUser body,
                                     @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        User user = users.create(body, caller);
        return HttpResponse.created(user, URI.create("/api/v1/users/" + user.id()));
    }

    @Get("/{id}")
    @Operation(summary = "Read an account")
    public User get(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id) {
        return users.get(RequestIds.parse("id", id));
    }

    @Patch("/{id}")
    @Operation(summary = "Change an account: display name, role, disabled, or a new password",
            description = "Disabling it or setting a password ends its sessions; a disabled account's tokens stop working. "
                    + "The last enabled admin cannot be disabled or lose the admin role.")
    public User update(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id, @Body @Valid AccountRequests.UpdateUser body,
                       @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return users.update(RequestIds.parse("id", id), body, caller);
    }

    @Get("/{id}/tokens")
    @Operation(summary = "List an account's API tokens")
    public List<ApiToken> tokens(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return tokens.tokensOf(RequestIds.parse("id", id), caller);
    }

    @Post("/{id}/tokens")
    @Status(HttpStatus.CREATED)
    @Operation(summary = "Create an API token for an account (e.g. a service account)",
            description = "The answer holds the token; it is shown only this once.")
    public HttpResponse<AccountRequests.IssuedApiToken> createToken(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id,
                                                                   @Body @Valid AccountRequests.CreateToken body,
                                                                   @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        AccountRequests.IssuedApiToken issued = tokens.issue(RequestIds.parse("id", id), body, caller);
        return HttpResponse.created(issued, URI.create("/api/v1/tokens/" + issued.token().id()));
    }
}
