package io.modelcat.catalog.access.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.AccountRequests;
import io.modelcat.catalog.access.AuthSettings;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.CredentialRepository;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.SignInService;
import io.modelcat.catalog.access.UserService;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.Locale;
import java.util.Optional;

/** Signing in and out of the web UI, the current session, and changing one's own password. */
@Controller("/api/v1/auth")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Access", description = "Sign-in, sessions, accounts, API tokens, runner tokens")
public class AuthController {

    private final SignInService signIn;
    private final UserService users;
    private final AuthSettings settings;

    public AuthController(SignInService signIn, UserService users, AuthSettings settings) {
        this.signIn = signIn;
        this.users = users;
        this.settings = settings;
    }

    @Post("/login")
    @AllowAnonymous
    @Operation(summary = "Sign in with a username and password",
            description = "Sets the session cookie (HttpOnly, SameSite=Strict) and answers the session with its CSRF "
                    + "token. Too many failures for one username or address answer 429 with Retry-After.")
    @ApiResponse(responseCode = "401", description = "wrong username or password")
    @ApiResponse(responseCode = "429", description = "too many failed sign-ins; wait Retry-After seconds")
    public HttpResponse<AccountRequests.Session> login(@Body @Valid AccountRequests.SignIn body, HttpRequest<?> request) {
        SignInService.SignedIn signedIn = signIn.signIn(body, ClientAddress.of(request, settings),
                request.getHeaders().get("User-Agent"));
        return HttpResponse.ok(new AccountRequests.Session(signedIn.user(), "session", signedIn.csrfToken(),
                        signedIn.expiresAt()))
                .cookie(SessionCookies.of(signedIn.cookieValue(), signedIn.expiresAt(), request, settings));
    }

    @Post("/logout")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "Sign out: ends this session and clears its cookie")
    @ApiResponse(responseCode = "204", description = "signed out")
    public HttpResponse<Void> logout(HttpRequest<?> request, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        Optional<Cookie> cookie = request.getCookies().findCookie(AccessFilter.SESSION_COOKIE);
        if (caller.method() == Caller.Method.SESSION && cookie.isPresent()) {
            signIn.signOut(cookie.get().getValue(), caller);
        }
        return HttpResponse.<Void>noContent().cookie(SessionCookies.expired(request, settings));
    }

    @Get("/session")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "Who is calling: the account, how it signed in, and the session's CSRF token")
    public AccountRequests.Session session(@RequestAttribute(AccessFilter.CALLER) Caller caller,
                                           @RequestAttribute(AccessFilter.CREDENTIAL) CredentialRepository.Holder credential) {
        return new AccountRequests.Session(users.self(caller), caller.method().name().toLowerCase(Locale.ROOT),
                credential.csrfToken(), credential.validUntil());
    }

    @Post("/password")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "Change your own password", description = "Ends all your sessions: sign in again with the new one.")
    @ApiResponse(responseCode = "204", description = "changed")
    public HttpResponse<Void> changePassword(@Body @Valid AccountRequests.ChangePassword body, HttpRequest<?> request,
                                             @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        users.changeOwnPassword(caller, body);
        return HttpResponse.<Void>noContent().cookie(SessionCookies.expired(request, settings));
    }
}
