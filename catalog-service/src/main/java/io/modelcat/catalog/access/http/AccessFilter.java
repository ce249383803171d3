package io.modelcat.catalog.access.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.filter.FilterContinuation;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.web.router.RouteMatch;
import io.modelcat.catalog.access.AuthSettings;
import io.modelcat.catalog.access.Authenticator;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.CredentialRepository;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.problem.http.ProblemResponses;
import io.modelcat.credentials.IssuedToken;
import io.modelcat.jobs.flow.MeshHeaders;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Decides, before any API endpoint runs, whether its caller may: finds who they are (a personal API
 * token as {@code Authorization: Bearer}, or the UI's session cookie), checks the role the endpoint
 * declares with {@link RequiresRole} (an endpoint declaring none is refused), and checks the CSRF
 * token of changing requests made with a session. The caller goes to the endpoint as a request
 * attribute ({@link #CALLER}).
 *
 * <p>A caller whose credential was checked moments ago ({@link Authenticator}) and who may call is let
 * through on the request's own thread, with no hop to a worker thread; anything that needs the
 * database (a first check, a refusal to audit) runs on the blocking executor.
 *
 * <p>The Hub API ({@code /hub}) is guarded the same way; its refusals also carry the Hub's error headers, so that
 * {@code huggingface_hub} raises what it raises against the Hub: without a token, or with one whose role may not,
 * {@code RepositoryNotFoundError} ({@code X-Error-Code: RepoNotFound}), with a bad one an HTTP error saying the
 * credentials are invalid.
 */
@ServerFilter({"/api/**", "/hub/**"})
public class AccessFilter implements Ordered {

    /** Request attribute holding the {@link Caller}. */
    public static final String CALLER = "modelcat.caller";
    /** Request attribute holding the checked credential (its end, and a session's CSRF token). */
    static final String CREDENTIAL = "modelcat.credential";
    /** The session cookie's name. */
    public static final String SESSION_COOKIE = "modelcat_session";
    /** The header carrying a session's CSRF token. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** The header naming the bulk-test job a runner calls for ({@link ForBulkTestJobs}). */
    public static final String JOB_HEADER = MeshHeaders.JOB;

    private static final Logger LOG = LoggerFactory.getLogger(AccessFilter.class);
    private static final String HUB_PATH = "/hub/";
    /** The Hub's message for a bad token, which huggingface_hub tells apart from a missing repository. */
    private static final String HUB_INVALID_CREDENTIALS = "Invalid credentials in Authorization header";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final Authenticator authenticator;
    private final AuthSettings settings;
    private final AuditLog audit;
    private final Scheduler blocking;

    public AccessFilter(Authenticator authenticator, AuthSettings settings, AuditLog audit,
                        @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.authenticator = authenticator;
        this.settings = settings;
        this.audit = audit;
        this.blocking = Schedulers.fromExecutorService(blocking);
    }

    @Override
    public int getOrder() {
        // Before every other filter of ours but the headers: nothing runs for a caller who may not call.
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }

    /**
     * What the request presents: a personal API token, a session cookie, a runner token for a job ({@code jobId}), or
     * a malformed or missing credential.
     */
    private record Credential(Caller.Method method, String value, UUID jobId, String problem) {

        static Credential refused(String problem) {
            return new Credential(null, null, null, problem);
        }
    }

    @RequestFilter
    public Publisher<MutableHttpResponse<?>> authorize(HttpRequest<?> request, @Nullable RouteMatch<?> route,
                                                        FilterContinuation<Publisher<MutableHttpResponse<?>>> next) {
        if (route == null || route.getAnnotationMetadata().hasAnnotation(AllowAnonymous.class)) {
            // No endpoint (the answer is a 404 or 405 without data), or one open to everyone.
            return next.proceed();
        }
        Optional<Role> required = route.getAnnotationMetadata().enumValue(RequiresRole.class, Role.class);
        if (required.isEmpty()) {
            LOG.error("{} {} declares no @RequiresRole: refused", request.getMethod(), request.getPath());
            return Mono.just(ProblemResponses.of(HttpStatus.FORBIDDEN,
                    "This endpoint declares no role, so nobody may call it", request, List.of()));
        }
        Credential credential = credential(request, route.getAnnotationMetadata().hasAnnotation(ForBulkTestJobs.class));
        if (credential.problem() != null) {
            return Mono.just(unauthorized(request, credential.problem()));
        }
        Optional<CredentialRepository.Holder> cached = switch (credential.method()) {
            case API_TOKEN -> authenticator.cachedApiToken(credential.value());
            case SESSION -> authenticator.cachedSession(credential.value());
            case RUNNER_FOR_JOB -> authenticator.cachedRunnerForJob(credential.value(), credential.jobId());
            case FLOW_DEPLOYMENT -> throw notARequestCredential();
        };
        if (cached.isPresent() && allowed(request, credential, cached.get(), required.get())) {
            admit(request, credential, cached.get());
            return next.proceed();
        }
        return Mono.fromCallable(() -> Optional.ofNullable(decide(request, credential, required.get())))
                .subscribeOn(blocking)
                .flatMap(refusal -> refusal.isPresent() ? Mono.just(refusal.get()) : Mono.from(next.proceed()));
    }

    private static Credential credential(HttpRequest<?> request, boolean forJobs) {
        String authorization = request.getHeaders().get("Authorization");
        String job = forJobs ? request.getHeaders().get(JOB_HEADER) : null;
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Credential.refused("The Authorization header must be 'Bearer <API token>'");
            }
            String token = authorization.substring(7).trim();
            if (job != null) {
                try {
                    return new Credential(Caller.Method.RUNNER_FOR_JOB, token, UUID.fromString(job.trim()), null);
                } catch (IllegalArgumentException e) {
                    return Credential.refused("The " + JOB_HEADER + " header must be a job id, got '" + job + "'");
                }
            }
            if (!token.startsWith(IssuedToken.PERSONAL)) {
                return Credential.refused("That is not a personal API token (they start with '"
                        + IssuedToken.PERSONAL + "'); create one on your Account page or with POST /api/v1/tokens");
            }
            return new Credential(Caller.Method.API_TOKEN, token, null, null);
        }
        Optional<Cookie> cookie = request.getCookies().findCookie(SESSION_COOKIE);
        return cookie.map(c -> new Credential(Caller.Method.SESSION, c.getValue(), null, null))
                .orElseGet(() -> Credential.refused(
                        "Sign in, or send a personal API token as 'Authorization: Bearer <token>'"));
    }

    /** Whether a known holder may make this request: the role suffices and a session's change carries its CSRF token. */
    private static boolean allowed(HttpRequest<?> request, Credential credential, CredentialRepository.Holder holder,
                                   Role required) {
        return holder.role().includes(required) && csrfSatisfied(request, credential, holder);
    }

    private static boolean csrfSatisfied(HttpRequest<?> request, Credential credential, CredentialRepository.Holder holder) {
        return credential.method() != Caller.Method.SESSION || SAFE.contains(request.getMethod())
                || csrfMatches(request, holder.csrfToken());
    }

    /** The full decision, on the blocking executor: checks the credential in the database and audits a refusal. */
    private MutableHttpResponse<?> decide(HttpRequest<?> request, Credential credential, Role required) {
        CredentialRepository.Holder holder = (switch (credential.method()) {
            case API_TOKEN -> authenticator.byApiToken(credential.value());
            case SESSION -> authenticator.bySession(credential.value());
            case RUNNER_FOR_JOB -> authenticator.byRunnerForJob(credential.value(), credential.jobId());
            case FLOW_DEPLOYMENT -> throw notARequestCredential();
        }).orElse(null);
        if (holder == null) {
            return switch (credential.method()) {
                case SESSION -> unauthorized(request, "Your session has ended; sign in again")
                        .cookie(SessionCookies.expired(request, settings));
                case API_TOKEN -> unauthorized(request, "The API token is unknown, revoked or expired, or its account is "
                        + "disabled");
                case RUNNER_FOR_JOB -> unauthorized(request, "Calls with " + JOB_HEADER + " must carry a live runner "
                        + "token and name a running bulk-test job whose submitter's account is enabled");
                case FLOW_DEPLOYMENT -> throw notARequestCredential();
            };
        }
        if (!csrfSatisfied(request, credential, holder)) {
            return ProblemResponses.of(HttpStatus.FORBIDDEN, "The " + CSRF_HEADER + " header is missing or wrong: "
                    + "changes made with a session must send the CSRF token of GET /api/v1/auth/session", request, List.of());
        }
        Caller caller = admit(request, credential, holder);
        if (!holder.role().includes(required)) {
            audit.record(new AuditLog.Entry(caller.userId(), caller.username(), "access.denied", null, null,
                    AuditLog.DENIED, caller.remoteAddr(), Map.of("method", request.getMethodName(), "path", request.getPath(),
                            "requiredRole", required.wireName())));
            String detail = "This needs the role '" + required.wireName() + "' or higher; '" + caller.username()
                    + "' is a " + caller.role().wireName();
            MutableHttpResponse<?> refused = ProblemResponses.of(HttpStatus.FORBIDDEN, detail, request, List.of());
            // As the Hub answers a token without access to a private repository: RepositoryNotFoundError.
            return request.getPath().startsWith(HUB_PATH)
                    ? refused.header("X-Error-Code", "RepoNotFound").header("X-Error-Message", detail) : refused;
        }
        return null;
    }

    /** A flow deployment's calls are made inside the catalog service, never by a request through this filter. */
    private static IllegalStateException notARequestCredential() {
        return new IllegalStateException("a flow deployment's calls carry no request credential");
    }

    /** Hands the caller and the credential to the endpoint. */
    private Caller admit(HttpRequest<?> request, Credential credential, CredentialRepository.Holder holder) {
        Caller caller = new Caller(holder.userId(), holder.username(), holder.role(), credential.method(),
                ClientAddress.of(request, settings));
        request.setAttribute(CALLER, caller);
        request.setAttribute(CREDENTIAL, holder);
        return caller;
    }

    private static boolean csrfMatches(HttpRequest<?> request, String expected) {
        String sent = request.getHeaders().get(CSRF_HEADER);
        return sent != null && expected != null && MessageDigest.isEqual(
                sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static MutableHttpResponse<?> unauthorized(HttpRequest<?> request, String detail) {
        MutableHttpResponse<?> response = ProblemResponses.of(HttpStatus.UNAUTHORIZED, detail, request, List.of())
                .header("WWW-Authenticate", "Bearer realm=\"ModelCat\"");
        if (!request.getPath().startsWith(HUB_PATH)) {
            return response;
        }
        return request.getHeaders().contains("Authorization")
                ? response.header("X-Error-Message", HUB_INVALID_CREDENTIALS)
                : response.header("X-Error-Code", "RepoNotFound").header("X-Error-Message", detail);
    }
}
