package io.modelcat.catalog.access.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.web.router.RouteMatch;
import io.modelcat.catalog.access.AuthSettings;
import io.modelcat.catalog.access.Authenticator;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.CredentialRepository;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.problem.http.ProblemResponses;
import io.modelcat.credentials.IssuedToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, before any API endpoint runs, whether its caller may: finds who they are (a personal API
 * token as {@code Authorization: Bearer}, or the UI's session cookie), checks the role the endpoint
 * declares with {@link RequiresRole} (an endpoint declaring none is refused), and checks the CSRF
 * token of changing requests made with a session. The caller goes to the endpoint as a request
 * attribute ({@link #CALLER}).
 */
@ServerFilter("/api/**")
public class AccessFilter implements Ordered {

    /** Request attribute holding the {@link Caller}. */
    public static final String CALLER = "modelcat.caller";
    /** Request attribute holding the checked credential (its end, and a session's CSRF token). */
    static final String CREDENTIAL = "modelcat.credential";
    /** The session cookie's name. */
    public static final String SESSION_COOKIE = "modelcat_session";
    /** The header carrying a session's CSRF token. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private static final Logger LOG = LoggerFactory.getLogger(AccessFilter.class);
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final Authenticator authenticator;
    private final AuthSettings settings;
    private final AuditLog audit;

    public AccessFilter(Authenticator authenticator, AuthSettings settings, AuditLog audit) {
        this.authenticator = authenticator;
        this.settings = settings;
        this.audit = audit;
    }

    @Override
    public int getOrder() {
        // Before every other filter of ours: nothing runs for a caller who may not call.
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    public HttpResponse<?> authorize(HttpRequest<?> request, @Nullable RouteMatch<?> route) {
        if (route == null || route.getAnnotationMetadata().hasAnnotation(AllowAnonymous.class)) {
            // No endpoint (the answer is a 404 or 405 without data), or one open to everyone.
            return null;
        }
        Optional<Role> required = route.getAnnotationMetadata().enumValue(RequiresRole.class, Role.class);
        if (required.isEmpty()) {
            LOG.error("{} {} declares no @RequiresRole: refused", request.getMethod(), request.getPath());
            return ProblemResponses.of(HttpStatus.FORBIDDEN, "This endpoint declares no role, so nobody may call it",
                    request, List.of());
        }
        String remoteAddr = ClientAddress.of(request, settings);
        String authorization = request.getHeaders().get("Authorization");
        CredentialRepository.Holder holder;
        Caller.Method method;
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return unauthorized(request, "The Authorization header must be 'Bearer <API token>'");
            }
            String token = authorization.substring(7).trim();
            if (!token.startsWith(IssuedToken.PERSONAL)) {
                return unauthorized(request, "That is not a personal API token (they start with '" + IssuedToken.PERSONAL
                        + "'); create one on your Account page or with POST /api/v1/tokens");
            }
            holder = authenticator.byApiToken(token).orElse(null);
            if (holder == null) {
                return unauthorized(request, "The API token is unknown, revoked or expired, or its account is disabled");
            }
            method = Caller.Method.API_TOKEN;
        } else {
            Optional<Cookie> cookie = request.getCookies().findCookie(SESSION_COOKIE);
            if (cookie.isEmpty()) {
                return unauthorized(request, "Sign in, or send a personal API token as 'Authorization: Bearer <token>'");
            }
            holder = authenticator.bySession(cookie.get().getValue()).orElse(null);
            if (holder == null) {
                return unauthorized(request, "Your session has ended; sign in again")
                        .cookie(SessionCookies.expired(request, settings));
            }
            if (!SAFE.contains(request.getMethod()) && !csrfMatches(request, holder.csrfToken())) {
                return ProblemResponses.of(HttpStatus.FORBIDDEN, "The " + CSRF_HEADER + " header is missing or wrong: "
                        + "changes made with a session must send the CSRF token of GET /api/v1/auth/session", request, List.of());
            }
            method = Caller.Method.SESSION;
        }
        Caller caller = new Caller(holder.userId(), holder.username(), holder.role(), method, remoteAddr);
        request.setAttribute(CALLER, caller);
        request.setAttribute(CREDENTIAL, holder);
        if (!caller.role().includes(required.get())) {
            audit.record(new AuditLog.Entry(caller.userId(), caller.username(), "access.denied", null, null,
                    AuditLog.DENIED, remoteAddr, Map.of("method", request.getMethodName(), "path", request.getPath(),
                            "requiredRole", required.get().wireName())));
            return ProblemResponses.of(HttpStatus.FORBIDDEN, "This needs the role '" + required.get().wireName()
                    + "' or higher; '" + caller.username() + "' is a " + caller.role().wireName(), request, List.of());
        }
        return null;
    }

    private static boolean csrfMatches(HttpRequest<?> request, String expected) {
        String sent = request.getHeaders().get(CSRF_HEADER);
        return sent != null && expected != null && MessageDigest.isEqual(
                sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static MutableHttpResponse<?> unauthorized(HttpRequest<?> request, String detail) {
        return ProblemResponses.of(HttpStatus.UNAUTHORIZED, detail, request, List.of())
                .header("WWW-Authenticate", "Bearer realm=\"ModelCat\"");
    }
}
