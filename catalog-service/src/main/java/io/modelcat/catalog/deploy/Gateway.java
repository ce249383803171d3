package io.modelcat.catalog.deploy;

import io.micronaut.context.annotation.Value;
import io.modelcat.catalog.access.Authenticator;
import io.modelcat.catalog.access.Role;
import io.modelcat.credentials.IssuedToken;
import io.modelcat.jobs.serve.ServeEvent;
import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.jobs.serve.ServeResponse;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.jobs.task.Task;
import io.modelcat.store.Database;
import io.modelcat.store.deploy.Deployments;
import io.modelcat.store.deploy.Endpoints;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway of online endpoints: finds the endpoint, checks the caller's key or token, picks a
 * deployment by the traffic map (or the one the caller pins), and forwards to the ready instance with
 * the fewest requests outstanding from this service, trying another instance when a runner cannot be
 * reached or its instance is busy. The concurrency limit is kept by each instance's runner, for the calls of every
 * catalog service together (this service also counts its own, so as not to send what would be refused). A flow
 * deployment's calls are run here instead, by {@link FlowServing}, within the same limits, counted by each catalog
 * service on its own. Everything it routes by is read from PostgreSQL, so every catalog service routes alike.
 */
@Singleton
public class Gateway {

    /** The header that pins a deployment, and names the one that answered. */
    public static final String DEPLOYMENT_HEADER = "azureml-model-deployment";

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final Duration RETRY_SOON = Duration.ofSeconds(1);

    /** A bound on the routes kept: more endpoints (or keys) than this are read from the database more often. */
    private static final int MAX_CACHED_ROUTES = 10_000;

    private final Database db;
    private final Authenticator authenticator;
    private final HttpClient http;
    private final Map<UUID, AtomicInteger> outstanding = new ConcurrentHashMap<>();
    private final Map<UUID, Rotation> rotations = new ConcurrentHashMap<>();
    private final Map<UUID, Rotation> mirrorRotations = new ConcurrentHashMap<>();
    private final TrafficRecorder traffic;
    private final EndpointMeters meters;
    /** Late: the flow package's runner reaches the LLM mesh, whose connections reach endpoints. */
    private final Provider<FlowServing> flows;
    /** Where flow deployments' calls run, so that a call past its request timeout can be given up. */
    private final ExecutorService flowCalls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "flow-deployment");
        t.setDaemon(true);
        return t;
    });
    /**
     * Routes read in the last {@link #routeTtl}, by endpoint name ({@code name:}) and by key hash ({@code key:}): a
     * call reads none from the database while its route is fresh. Changes made through this service clear it; those
     * made through another service (or by placement) reach it within the TTL, and a call that finds no instance of
     * its route answering reads the route again at once.
     */
    private final Map<String, CachedRoute> routes = new ConcurrentHashMap<>();
    private final Duration routeTtl;
    /** Mirrored copies run here, best effort: when it is full, a copy is dropped, never the caller delayed. */
    private final ThreadPoolExecutor mirrors = new ThreadPoolExecutor(1, 4, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64), r -> {
                Thread t = new Thread(r, "mirror-traffic");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());

    public Gateway(Database db, Authenticator authenticator, TrafficRecorder traffic, EndpointMeters meters,
                   Provider<FlowServing> flows,
                   @Value("${modelcat.deploy.connect-timeout:2s}") Duration connectTimeout,
                   @Value("${modelcat.deploy.route-cache:1s}") Duration routeTtl) {
        this.db = db;
        this.flows = flows;
        this.routeTtl = routeTtl;
        this.traffic = traffic;
        this.meters = meters;
        this.authenticator = authenticator;
        // Answers are completed on the client's own selector thread, which wakes the waiting caller directly: with the
        // default executor each answer was handed to one more thread first. Nothing run there blocks (the body
        // handlers collect bytes or queue lines for the caller to read).
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .executor(Runnable::run).build();
    }

    /** An endpoint with its deployments and their instances, as routing needs them. */
    public record Route(Endpoints.EndpointRow endpoint, List<Deployments.DeploymentRow> deployments,
                        List<Deployments.InstanceRow> instances) {

        /**
         * The ready instances of a deployment: those of its current model version, or while none of them is ready
         * (an update under way), those of the version before.
         */
        List<Deployments.InstanceRow> ready(Deployments.DeploymentRow deployment) {
            List<Deployments.InstanceRow> ready = instances.stream()
                    .filter(i -> i.deploymentId().equals(deployment.id()) && i.ready()).toList();
            List<Deployments.InstanceRow> current = ready.stream()
                    .filter(i -> i.modelVersionId().equals(deployment.modelVersionId())).toList();
            return current.isEmpty() ? ready : current;
        }
    }

    /** The deployment a call goes to, and its task. */
    public record Chosen(Route route, Deployments.DeploymentRow deployment) {

        public Task task() {
            return Task.fromWireName(deployment.task()).orElseThrow();
        }
    }

    /** The endpoint called {@code name}, if its caller presents one of its keys (or a personal token, in token mode). */
    public Route authorize(String name, String authorization, String apiKey) {
        Route route = cached("name:" + name, () -> load(name));
        boolean keyMode = "key".equals(route.endpoint().authMode());
        String presented = presented(authorization, apiKey);
        if (presented == null) {
            throw new GatewayException(GatewayException.Status.UNAUTHORIZED, keyMode
                    ? "send one of the endpoint's keys as 'Authorization: Bearer <key>' or as 'api-key: <key>'"
                    : "send a personal API token as 'Authorization: Bearer <token>'");
        }
        boolean allowed;
        if (keyMode) {
            byte[] hash = IssuedToken.hash(presented).getBytes(StandardCharsets.US_ASCII);
            allowed = MessageDigest.isEqual(hash, route.endpoint().primary().hash().getBytes(StandardCharsets.US_ASCII))
                    | MessageDigest.isEqual(hash, route.endpoint().secondary().hash().getBytes(StandardCharsets.US_ASCII));
        } else {
            allowed = presented.startsWith(IssuedToken.PERSONAL) && authenticator.byApiToken(presented).isPresent();
        }
        if (!allowed) {
            throw new GatewayException(GatewayException.Status.UNAUTHORIZED, keyMode
                    ? "the key is not one of this endpoint's (it may have been regenerated)"
                    : "the API token is unknown, revoked or expired, or its account is disabled");
        }
        return route;
    }

    /**
     * The endpoint one of whose keys the caller presents, for the routes that name no endpoint ({@code POST /score}
     * and the serverless ones at the root): the key names it, as the host name does on Azure.
     */
    public Route authorizeByKey(String authorization, String apiKey) {
        String presented = presented(authorization, apiKey);
        String elsewhere = " (a personal token names no endpoint: with one, call /endpoints/<name>/... instead)";
        if (presented == null) {
            throw new GatewayException(GatewayException.Status.UNAUTHORIZED, "send an endpoint's key as "
                    + "'Authorization: Bearer <key>' or as 'api-key: <key>': this route finds the endpoint by its key"
                    + elsewhere);
        }
        String hash = IssuedToken.hash(presented);
        return cached("key:" + hash, () -> db.read(c -> {
            Optional<Endpoints.EndpointRow> e = Endpoints.byKeyHash(c, hash);
            return e.isPresent() ? Optional.of(route(c, e.get())) : Optional.<Route>empty();
        }).orElseThrow(() -> new GatewayException(GatewayException.Status.UNAUTHORIZED, "the key is not one of any key-mode "
                        + "endpoint's (it may have been regenerated)" + elsewhere)));
    }

    /** A route read within the TTL, or read now (a failed read is not kept). */
    private Route cached(String key, Supplier<Route> read) {
        long now = System.nanoTime();
        CachedRoute hit = routes.get(key);
        if (hit != null && now - hit.until() < 0) {
            return hit.route();
        }
        Route route = read.get();
        remember(key, route, now);
        return route;
    }

    private void remember(String key, Route route, long now) {
        if (routeTtl.isZero() || routeTtl.isNegative()) {
            return;
        }
        if (routes.size() >= MAX_CACHED_ROUTES) {
            routes.clear();
        }
        routes.put(key, new CachedRoute(route, now + routeTtl.toNanos()));
    }

    /** Forgets every route read so far: the next call of each endpoint reads it again. */
    public void forgetRoutes() {
        routes.clear();
    }

    private record CachedRoute(Route route, long until) {
    }

    /** The credential a caller sends as {@code Authorization: Bearer} or {@code api-key}; null when none is. */
    private static String presented(String authorization, String apiKey) {
        String presented = apiKey;
        if (authorization != null) {
            presented = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : null;
        }
        return presented == null || presented.isBlank() ? null : presented;
    }

    /** The endpoint, its deployments and their instances as the database has them now. */
    private Route load(String name) {
        return db.read(c -> {
            Endpoints.EndpointRow e = Endpoints.byName(c, name).orElseThrow(() ->
                    new GatewayException(GatewayException.Status.NOT_FOUND, "no endpoint is called '" + name + "'"));
            return route(c, e);
        });
    }

    private static Route route(Connection c, Endpoints.EndpointRow e) throws SQLException {
        List<Deployments.DeploymentRow> ds = Deployments.ofEndpoints(c, List.of(e.id()));
        return new Route(e, ds, Deployments.instances(c, ds.stream().map(Deployments.DeploymentRow::id).toList()));
    }

    /**
     * The deployment to answer: the pinned one, else the next of the traffic map's rotation.
     *
     * @param pinned a deployment name from {@link #DEPLOYMENT_HEADER}, or null
     */
    public Chosen choose(Route route, String pinned) {
        if (pinned != null && !pinned.isBlank()) {
            return new Chosen(route, route.deployments().stream().filter(d -> d.name().equals(pinned.strip()))
                    .findFirst().orElseThrow(() -> new GatewayException(GatewayException.Status.NOT_FOUND, "endpoint '"
                            + route.endpoint().name() + "' has no deployment called '" + pinned.strip() + "'")));
        }
        if (route.endpoint().traffic().values().stream().mapToInt(Integer::intValue).sum() <= 0) {
            throw new GatewayException(GatewayException.Status.UNAVAILABLE, "endpoint '" + route.endpoint().name()
                    + "' sends no traffic to any deployment" + (route.deployments().isEmpty() ? " (it has none yet)"
                    : "; set its traffic, or pin a deployment with the header " + DEPLOYMENT_HEADER), RETRY_SOON);
        }
        String name = rotations.computeIfAbsent(route.endpoint().id(), id -> new Rotation())
                .next(route.endpoint().traffic());
        for (Deployments.DeploymentRow d : route.deployments()) {
            if (d.name().equals(name)) {
                return new Chosen(route, d);
            }
        }
        throw new IllegalStateException("traffic " + route.endpoint().traffic() + " names no deployment");
    }

    /** Sends a request to the chosen deployment and returns its answer, counting it in the deployment's traffic. */
    public ServeResponse call(Chosen chosen, ServeRequest request) {
        long started = System.nanoTime();
        try {
            ServeResponse answer = forward(chosen, request, sending(chosen.deployment()));
            count(chosen, TrafficRecorder.Outcome.ANSWERED, started);
            return answer;
        } catch (GatewayException e) {
            count(chosen, outcome(e), started);
            throw e;
        }
    }

    /**
     * Sends a request to the chosen deployment's streaming route and returns its events as they come, once
     * the first has come (so that a request the runner refuses fails here, with its status). The instance
     * counts as busy until the stream is closed. The deployment's request timeout bounds the wait for the
     * first event, not the whole stream; the call's latency in the metrics is the time to that first event.
     */
    public RunnerStream stream(Chosen chosen, ServeRequest request) {
        long started = System.nanoTime();
        try {
            RunnerStream stream = forward(chosen, request, (instance, body) -> {
                RunnerStream events;
                try {
                    events = open(instance, chosen.deployment(), body);
                } catch (Unreachable | RuntimeException e) {
                    release(instance);
                    throw e;
                }
                ServeEvent first;
                try {
                    first = events.hasNext() ? events.next() : ServeEvent.error(502, "the stream ended before it began");
                } catch (RuntimeException e) {
                    events.close();
                    throw new GatewayException(GatewayException.Status.BAD_GATEWAY, "deployment '"
                            + chosen.deployment().name() + "' failed to answer: " + e.getMessage());
                }
                if (first.error() != null) {
                    events.close();
                    throw new GatewayException(first.status() != null && first.status() == 400
                            ? GatewayException.Status.BAD_REQUEST : GatewayException.Status.BAD_GATEWAY, first.error());
                }
                events.pushBack(first);
                return events;
            });
            count(chosen, TrafficRecorder.Outcome.ANSWERED, started);
            return stream;
        } catch (GatewayException e) {
            count(chosen, outcome(e), started);
            throw e;
        }
    }

    /**
     * Copies a call to the endpoint's mirror deployment, for its share of the calls, when the call went to
     * another deployment by the traffic map: in the background, its answer dropped, its failures only counted.
     */
    public void mirror(Chosen live, ServeRequest request) {
        mirrorWith(live, copy -> forward(copy, request, sending(copy.deployment())));
    }

    /** Copies a flow deployment's call to the endpoint's mirror deployment, as {@link #mirror} does a model's. */
    public void mirrorFlow(Chosen live, Map<String, String> inputs, String remoteAddr) {
        mirrorWith(live, copy -> answerFlow(copy, inputs, remoteAddr));
    }

    private void mirrorWith(Chosen live, Consumer<Chosen> send) {
        Map<String, Integer> mirror = live.route().endpoint().mirror();
        if (mirror.isEmpty()) {
            return;
        }
        Map.Entry<String, Integer> target = mirror.entrySet().iterator().next();
        Optional<Deployments.DeploymentRow> copyTo = live.route().deployments().stream()
                .filter(d -> d.name().equals(target.getKey()) && !d.id().equals(live.deployment().id())).findFirst();
        if (copyTo.isEmpty() || !target.getKey().equals(mirrorRotations.computeIfAbsent(live.route().endpoint().id(),
                id -> new Rotation()).next(Map.of(target.getKey(), target.getValue(), "", 100 - target.getValue())))) {
            return;
        }
        Chosen copy = new Chosen(live.route(), copyTo.get());
        mirrors.execute(() -> {
            long started = System.nanoTime();
            try {
                send.accept(copy);
            } catch (GatewayException e) {
                LOG.debug("Mirrored call to {} failed: {}", copy.deployment().name(), e.getMessage());
            } finally {
                count(copy, TrafficRecorder.Outcome.MIRRORED, started);
            }
        });
    }

    /**
     * Runs a call's inputs through the prompt flow the chosen deployment serves and returns what it gave, counting it
     * in the deployment's traffic: at most the deployment's concurrency limit at once in this service (beyond it, 429),
     * each within its request timeout (beyond it, 504), its steps' LLM calls made as the deployment's creator. A step
     * that failed is a 502 naming it, or the mesh's own 429 (with Retry-After) when its rate limit refused the call.
     */
    public FlowServing.Answer runFlow(Chosen chosen, Map<String, String> inputs, String remoteAddr) {
        long started = System.nanoTime();
        try {
            FlowServing.Answer answer = answerFlow(chosen, inputs, remoteAddr);
            count(chosen, TrafficRecorder.Outcome.ANSWERED, started);
            return answer;
        } catch (GatewayException e) {
            count(chosen, outcome(e), started);
            throw e;
        }
    }

    private FlowServing.Answer answerFlow(Chosen chosen, Map<String, String> inputs, String remoteAddr) {
        Deployments.DeploymentRow d = chosen.deployment();
        Deployments.Owner owner = d.owner();
        if (owner == null || owner.disabled() || Role.VIEWER.name().equalsIgnoreCase(owner.role())) {
            throw new GatewayException(GatewayException.Status.UNAVAILABLE, "deployment '" + d.name() + "' runs its "
                    + "flow's LLM calls as the person who created it, whose account is "
                    + (owner == null ? "gone" : owner.disabled() ? "disabled" : "a viewer now")
                    + "; a contributor deploys the flow again (a new deployment) to serve it");
        }
        AtomicInteger busy = outstanding.computeIfAbsent(d.id(), id -> new AtomicInteger());
        if (busy.incrementAndGet() > d.maxConcurrent()) {
            busy.decrementAndGet();
            throw new GatewayException(GatewayException.Status.TOO_MANY_REQUESTS, "deployment '" + d.name()
                    + "' is answering as many requests as it may (" + d.maxConcurrent() + "); retry shortly", RETRY_SOON);
        }
        Future<FlowServing.Answer> running;
        try {
            running = flowCalls.submit(() -> flows.get().run(d.flow(), owner, inputs, remoteAddr));
        } catch (RuntimeException e) {
            busy.decrementAndGet();
            throw e;
        }
        FlowServing.Answer answer;
        try {
            answer = running.get(d.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            throw new GatewayException(GatewayException.Status.TIMEOUT, "deployment '" + d.name() + "' did not answer "
                    + "within its request timeout of " + d.requestTimeoutMs() + " ms (its flow's steps were still running)");
        } catch (ExecutionException e) {
            LOG.error("Flow deployment {} failed", d.name(), e.getCause());
            throw new GatewayException(GatewayException.Status.BAD_GATEWAY, "deployment '" + d.name() + "' failed to run "
                    + "its flow: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new GatewayException(GatewayException.Status.UNAVAILABLE, "the gateway is stopping", RETRY_SOON);
        } finally {
            busy.decrementAndGet();
        }
        if (answer.row().failed()) {
            String why = "deployment '" + d.name() + "' (flow '" + d.flow().name() + "' v" + d.flow().version()
                    + ") failed at " + answer.row().error();
            throw answer.failedStatus() == 429
                    ? new GatewayException(GatewayException.Status.TOO_MANY_REQUESTS, why, RETRY_SOON)
                    : new GatewayException(GatewayException.Status.BAD_GATEWAY, why);
        }
        return answer;
    }

    /** Counts a call in the deployment's traffic (the API's metrics) and in the endpoint meters (Prometheus). */
    private void count(Chosen chosen, TrafficRecorder.Outcome outcome, long startedNanos) {
        traffic.record(chosen.deployment().id(), outcome, millisSince(startedNanos));
        meters.record(chosen.route().endpoint().name(), chosen.deployment().name(), outcome, System.nanoTime() - startedNanos);
    }

    private static TrafficRecorder.Outcome outcome(GatewayException e) {
        return switch (e.status()) {
            case TOO_MANY_REQUESTS -> TrafficRecorder.Outcome.THROTTLED;
            case BAD_REQUEST -> TrafficRecorder.Outcome.ANSWERED;
            default -> TrafficRecorder.Outcome.FAILED;
        };
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** How one instance is sent a request; it releases the instance's slot when it is done with it. */
    private interface Sender<T> {
        T send(Deployments.InstanceRow instance, String body) throws Unreachable;
    }

    /** Sends the whole request and reads the whole answer. */
    private Sender<ServeResponse> sending(Deployments.DeploymentRow d) {
        return (instance, body) -> {
            try {
                return send(instance, d, body);
            } finally {
                release(instance);
            }
        };
    }

    /**
     * Sends to the ready instance with the fewest requests outstanding here, another one when a runner cannot be
     * reached or no longer serves it, and when none of them answers, the instances ready now (an update or a
     * re-placement may have replaced them since the call began).
     */
    private <T> T forward(Chosen chosen, ServeRequest request, Sender<T> sender) {
        Deployments.DeploymentRow d = chosen.deployment();
        String body = JobSpecs.write(request);
        Set<UUID> tried = new HashSet<>();
        Attempt<T> first = attempt(chosen.route().ready(d), d, body, tried, sender);
        if (first.answer() != null) {
            return first.answer();
        }
        if (first.failure().status() == GatewayException.Status.UNAVAILABLE) {
            Route now = load(chosen.route().endpoint().name());
            remember("name:" + now.endpoint().name(), now, System.nanoTime());
            Optional<Deployments.DeploymentRow> same = now.deployments().stream()
                    .filter(x -> x.id().equals(d.id())).findFirst();
            List<Deployments.InstanceRow> fresh = same.map(x -> now.ready(x).stream()
                    .filter(i -> !tried.contains(i.id())).toList()).orElse(List.of());
            if (!fresh.isEmpty()) {
                return attempt(fresh, same.get(), body, tried, sender).orThrow();
            }
        }
        throw first.failure();
    }

    /** The answer of one pass over instances, or why there is none. */
    private record Attempt<T>(T answer, GatewayException failure) {
        T orThrow() {
            if (answer == null) {
                throw failure;
            }
            return answer;
        }
    }

    private <T> Attempt<T> attempt(List<Deployments.InstanceRow> candidates, Deployments.DeploymentRow d, String body,
                                   Set<UUID> tried, Sender<T> sender) {
        if (candidates.isEmpty()) {
            return new Attempt<>(null, new GatewayException(GatewayException.Status.UNAVAILABLE, "deployment '"
                    + d.name() + "' has no ready instance yet; see its state at /api/v1/endpoints", RETRY_SOON));
        }
        List<Deployments.InstanceRow> ready = new ArrayList<>(candidates);
        ready.sort(Comparator.comparingInt(i -> counter(i).get()));
        // Busy instances (counted here, or refused by their runner for calls from every catalog service) make a 429;
        // only when none was busy do unreachable ones make a 503 (and the route is read again).
        GatewayException busy = null;
        GatewayException unreachable = null;
        for (Deployments.InstanceRow instance : ready) {
            AtomicInteger count = counter(instance);
            if (count.incrementAndGet() > d.maxConcurrent()) {
                count.decrementAndGet();
                busy = busy(d, ready.size());
                continue;
            }
            tried.add(instance.id());
            try {
                return new Attempt<>(sender.send(instance, body), null);
            } catch (Busy e) {
                busy = busy(d, ready.size());
            } catch (Unreachable e) {
                LOG.warn("Instance {} of deployment {} on {} could not be reached: {}; trying another", instance.id(),
                        d.name(), instance.workerHost(), e.getMessage());
                unreachable = new GatewayException(GatewayException.Status.UNAVAILABLE, "no instance of deployment '"
                        + d.name() + "' could be reached (" + e.getMessage() + ")", RETRY_SOON);
            }
        }
        return new Attempt<>(null, busy != null ? busy : unreachable);
    }

    private static GatewayException busy(Deployments.DeploymentRow d, int instances) {
        return new GatewayException(GatewayException.Status.TOO_MANY_REQUESTS, "deployment '" + d.name()
                + "' is answering as many requests as it may (" + d.maxConcurrent() + " per instance, "
                + instances + " instance(s)); retry shortly", RETRY_SOON);
    }

    private AtomicInteger counter(Deployments.InstanceRow instance) {
        return outstanding.computeIfAbsent(instance.id(), id -> new AtomicInteger());
    }

    private void release(Deployments.InstanceRow instance) {
        counter(instance).decrementAndGet();
    }

    /**
     * Smooth weighted round robin over a traffic map: every 100 calls give each deployment exactly its
     * percentage, interleaved (90/10 sends one call in ten to the second, not ten in a row). Each catalog
     * service keeps its own rotation; a changed map starts a new one.
     */
    static final class Rotation {
        private Map<String, Integer> traffic = Map.of();
        private final Map<String, Integer> current = new HashMap<>();

        synchronized String next(Map<String, Integer> now) {
            if (!now.equals(traffic)) {
                traffic = Map.copyOf(now);
                current.clear();
            }
            int total = 0;
            String best = null;
            for (Map.Entry<String, Integer> e : new TreeMap<>(traffic).entrySet()) {
                int weight = e.getValue();
                total += weight;
                int value = current.merge(e.getKey(), weight, Integer::sum);
                if (weight > 0 && (best == null || value > current.get(best))) {
                    best = e.getKey();
                }
            }
            current.merge(best, -total, Integer::sum);
            return best;
        }
    }

    /** A runner that could not be reached, or that no longer serves the instance: another may answer. */
    private static class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    /**
     * A runner whose instance already answers its deployment's concurrency limit of calls (sent by this and other
     * catalog services): another instance may answer.
     */
    private static final class Busy extends Unreachable {
        Busy() {
            super("the instance answers as many calls as it may");
        }
    }

    private ServeResponse send(Deployments.InstanceRow instance, Deployments.DeploymentRow d, String body)
            throws Unreachable {
        HttpRequest request = HttpRequest.newBuilder(URI.create(instance.serveUrl() + "/serve/" + instance.id()))
                .timeout(Duration.ofMillis(d.requestTimeoutMs()))
                .header("Content-Type", "application/json")
                .header(ServeRequest.SECRET_HEADER, instance.secret())
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = exchange(request, d, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() == 200) {
            return JobSpecs.read(response.body(), ServeResponse.class);
        }
        throw failure(d, response.statusCode(), response.body());
    }

    private RunnerStream open(Deployments.InstanceRow instance, Deployments.DeploymentRow d, String body) throws Unreachable {
        HttpRequest request = HttpRequest.newBuilder(URI.create(instance.serveUrl() + "/serve/" + instance.id() + "/stream"))
                .timeout(Duration.ofMillis(d.requestTimeoutMs()))
                .header("Content-Type", "application/json")
                .header(ServeRequest.SECRET_HEADER, instance.secret())
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<Stream<String>> response = exchange(request, d, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() == 200) {
            return new RunnerStream(response.body(), () -> release(instance));
        }
        String text;
        try (Stream<String> lines = response.body()) {
            text = String.join("\n", lines.toList());
        }
        throw failure(d, response.statusCode(), text);
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, Deployments.DeploymentRow d,
                                         HttpResponse.BodyHandler<T> handler) throws Unreachable {
        try {
            return http.send(request, handler);
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new Unreachable(e.getClass().getSimpleName() + " " + request.uri().getAuthority());
        } catch (HttpTimeoutException e) {
            throw new GatewayException(GatewayException.Status.TIMEOUT, "deployment '" + d.name() + "' did not answer within "
                    + "its request timeout of " + d.requestTimeoutMs() + " ms");
        } catch (IOException e) {
            throw new Unreachable(e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(GatewayException.Status.UNAVAILABLE, "the gateway is stopping", RETRY_SOON);
        }
    }

    private static RuntimeException failure(Deployments.DeploymentRow d, int status, String body) throws Unreachable {
        return switch (status) {
            case 404 -> throw new Unreachable("the runner does not serve it (yet)");
            case 429 -> throw new Busy();
            case 400 -> new GatewayException(GatewayException.Status.BAD_REQUEST, runnerMessage(body));
            default -> new GatewayException(GatewayException.Status.BAD_GATEWAY, "deployment '" + d.name()
                    + "' failed to answer: " + runnerMessage(body));
        };
    }

    private static String runnerMessage(String body) {
        try {
            Object message = JobSpecs.read(body, Map.class).get("message");
            return message == null ? body : message.toString();
        } catch (IllegalArgumentException e) {
            return body;
        }
    }

    @PreDestroy
    void close() {
        mirrors.shutdownNow();
        flowCalls.shutdownNow();
    }
}
