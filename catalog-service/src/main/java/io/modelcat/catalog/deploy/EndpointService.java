package io.modelcat.catalog.deploy;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.deploy.score.ScoreShapes;
import io.modelcat.catalog.jobinput.JobInputs;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.credentials.IssuedToken;
import io.modelcat.credentials.SecretCipher;
import io.modelcat.credentials.SecretUnreadableException;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.task.Task;
import io.modelcat.store.Database;
import io.modelcat.store.deploy.DeploymentTraffic;
import io.modelcat.store.deploy.DeploymentLogs;
import io.modelcat.store.deploy.Deployments;
import io.modelcat.store.deploy.Endpoints;
import io.modelcat.store.flow.PromptFlows;
import io.modelcat.jobs.flow.Flow;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Online endpoints and their deployments (docs/deployments.md): contributors create, change and delete
 * them, everyone signed in reads them; every change is audited. Keys are kept as SHA-256 to check
 * callers, and sealed under {@code MODELCAT_SECRET_KEY} when one is configured so that they can be shown
 * again; without one, a key is shown once, when made.
 */
@Singleton
public class EndpointService {

    private static final List<Task> SERVED = Task.running(JobKind.PREDICT).stream().filter(ScoreShapes::serves).toList();
    /** A new deployment's limits where its request names none (docs/deployments.md). */
    static final Deployments.Limits DEFAULT_LIMITS = new Deployments.Limits(4, 5000, 8, 2);
    /** A new flow deployment's (docs/flows.md): its calls wait on LLMs, one after another per step. */
    static final Deployments.Limits DEFAULT_FLOW_LIMITS = new Deployments.Limits(16, 60_000, 1, 0);

    private final Database db;
    private final Gateway gateway;
    private final AuditLog audit;
    private final JobInputs inputs;
    private final SecretCipher cipher;
    /** Late: the flow package's checks reach the LLM connections, which reach endpoints. */
    private final Provider<FlowServing> flows;

    public EndpointService(Database db, Gateway gateway, AuditLog audit, JobInputs inputs, Provider<FlowServing> flows,
                           @Nullable @Value("${modelcat.secret-key:}") String secretKey) {
        this.db = db;
        this.flows = flows;
        this.gateway = gateway;
        this.audit = audit;
        this.inputs = inputs;
        this.cipher = secretKey == null || secretKey.isBlank() ? null : SecretCipher.of(secretKey.trim());
    }

    /** A new endpoint with its keys (shown here, and later only when they can be read back). */
    @Serdeable
    @Schema(name = "CreatedEndpoint")
    public record Created(EndpointView endpoint, @Nullable EndpointView.Keys keys) {
    }

    public Created create(EndpointRequests.CreateEndpoint request, String baseUrl, Caller by) {
        String mode = request.authMode() == null ? "key" : request.authMode();
        IssuedToken primary = IssuedToken.generate(IssuedToken.ENDPOINT_KEY);
        IssuedToken secondary = IssuedToken.generate(IssuedToken.ENDPOINT_KEY);
        UUID id = UUID.randomUUID();
        boolean made = write(c -> Endpoints.insert(c, new Endpoints.NewEndpoint(id, request.name(),
                request.description() == null ? "" : request.description().strip(), mode,
                stored(request.name(), Endpoints.KeyType.PRIMARY, primary), stored(request.name(),
                Endpoints.KeyType.SECONDARY, secondary), by.userId())));
        if (!made) {
            throw new ConflictException("an endpoint called '" + request.name() + "' exists already");
        }
        audit.record(by.did("endpoint.create", "endpoint", request.name(), Map.of("authMode", mode)));
        return new Created(get(request.name(), baseUrl), "key".equals(mode)
                ? new EndpointView.Keys(primary.value(), secondary.value()) : null);
    }

    public EndpointView.Endpoints list(String baseUrl) {
        return db.read(c -> {
            List<Endpoints.EndpointRow> rows = Endpoints.all(c);
            return new EndpointView.Endpoints(views(c, rows, baseUrl));
        });
    }

    public EndpointView get(String name, String baseUrl) {
        return db.read(c -> views(c, List.of(endpoint(c, name)), baseUrl).get(0));
    }

    public void delete(String name, Caller by) {
        write(c -> Endpoints.delete(c, endpoint(c, name).id()));
        audit.record(by.did("endpoint.delete", "endpoint", name, Map.of()));
    }

    /** The keys, when they can be read back. */
    public EndpointView.Keys keys(String name) {
        Endpoints.EndpointRow row = db.read(c -> endpoint(c, name));
        requireKeyMode(row);
        return new EndpointView.Keys(open(row, Endpoints.KeyType.PRIMARY), open(row, Endpoints.KeyType.SECONDARY));
    }

    /** A new key in place of one; the other is shown too when it can be read back. */
    public EndpointView.Keys regenerate(String name, EndpointRequests.RegenerateKey request, Caller by) {
        Endpoints.KeyType type = Endpoints.KeyType.valueOf(request.keyType().toUpperCase(Locale.ROOT));
        IssuedToken key = IssuedToken.generate(IssuedToken.ENDPOINT_KEY);
        Endpoints.EndpointRow row = write(c -> {
            Endpoints.EndpointRow locked = Endpoints.lock(c, name).orElseThrow(() -> noEndpoint(name));
            requireKeyMode(locked);
            Endpoints.setKey(c, locked.id(), type, stored(name, type, key));
            return Endpoints.byName(c, name).orElseThrow();
        });
        audit.record(by.did("endpoint.key.regenerate", "endpoint", name, Map.of("keyType", request.keyType())));
        String other = cipher == null ? null : open(row, type == Endpoints.KeyType.PRIMARY
                ? Endpoints.KeyType.SECONDARY : Endpoints.KeyType.PRIMARY);
        return type == Endpoints.KeyType.PRIMARY ? new EndpointView.Keys(key.value(), other)
                : new EndpointView.Keys(other, key.value());
    }

    /** Replaces the traffic map: existing deployments only, each 0 to 100, summing to 0 or 100. */
    public EndpointView setTraffic(String name, EndpointRequests.SetTraffic request, String baseUrl, Caller by) {
        write(c -> {
            Endpoints.EndpointRow row = Endpoints.lock(c, name).orElseThrow(() -> noEndpoint(name));
            List<String> deployments = Deployments.ofEndpoints(c, List.of(row.id())).stream()
                    .map(Deployments.DeploymentRow::name).toList();
            List<FieldError> errors = new ArrayList<>();
            int sum = 0;
            for (Map.Entry<String, Integer> e : request.traffic().entrySet()) {
                if (!deployments.contains(e.getKey())) {
                    errors.add(new FieldError("traffic." + e.getKey(), "is not a deployment of '" + name + "'; its "
                            + "deployments are " + (deployments.isEmpty() ? "none yet" : String.join(", ", deployments))));
                } else if (e.getValue() == null || e.getValue() < 0 || e.getValue() > 100) {
                    errors.add(new FieldError("traffic." + e.getKey(), "must be a percentage from 0 to 100"));
                } else {
                    sum += e.getValue();
                }
            }
            if (errors.isEmpty() && sum != 0 && sum != 100) {
                errors.add(new FieldError("traffic", "must sum to 100 (or 0 to stop traffic); it sums to " + sum));
            }
            if (!errors.isEmpty()) {
                throw new InvalidFieldException(errors);
            }
            Map<String, Integer> traffic = new LinkedHashMap<>();
            deployments.forEach(d -> traffic.put(d, request.traffic().getOrDefault(d, 0)));
            Endpoints.setTraffic(c, row.id(), traffic);
            return null;
        });
        audit.record(by.did("endpoint.traffic", "endpoint", name, Map.of("traffic", request.traffic())));
        return get(name, baseUrl);
    }

    /** Mirrors a share (up to 50%) of the calls to one deployment, or nothing. */
    public EndpointView setMirror(String name, EndpointRequests.SetMirror request, String baseUrl, Caller by) {
        Map<String, Integer> mirror = new LinkedHashMap<>();
        request.mirror().forEach((deployment, share) -> {
            if (share != null && share != 0) {
                mirror.put(deployment, share);
            }
        });
        write(c -> {
            Endpoints.EndpointRow row = Endpoints.lock(c, name).orElseThrow(() -> noEndpoint(name));
            List<String> deployments = Deployments.ofEndpoints(c, List.of(row.id())).stream()
                    .map(Deployments.DeploymentRow::name).toList();
            if (mirror.size() > 1) {
                throw new InvalidFieldException("mirror", "names " + mirror.size() + " deployments; calls are mirrored "
                        + "to one deployment at most");
            }
            for (Map.Entry<String, Integer> e : mirror.entrySet()) {
                if (!deployments.contains(e.getKey())) {
                    throw new InvalidFieldException("mirror." + e.getKey(), "is not a deployment of '" + name
                            + "'; its deployments are " + (deployments.isEmpty() ? "none yet" : String.join(", ", deployments)));
                }
                if (e.getValue() < 0 || e.getValue() > 50) {
                    throw new InvalidFieldException("mirror." + e.getKey(), "must be a percentage from 0 to 50");
                }
            }
            Endpoints.setMirror(c, row.id(), mirror);
            return null;
        });
        audit.record(by.did("endpoint.mirror", "endpoint", name, Map.of("mirror", mirror)));
        return get(name, baseUrl);
    }

    /**
     * A deployment's log, oldest first: the lines after {@code after}, or without it the newest {@code limit}
     * (default 200, 1 to {@value DeploymentLogs#KEPT}).
     */
    public DeploymentLogView logs(String name, String deployment, Long after, Integer limit) {
        int count = limit == null ? 200 : limit;
        if (count < 1 || count > DeploymentLogs.KEPT) {
            throw new InvalidFieldException("limit", "must be from 1 to " + DeploymentLogs.KEPT + ", got " + count);
        }
        if (after != null && after < 0) {
            throw new InvalidFieldException("after", "must be a line's id (0 or more), got " + after);
        }
        return db.read(c -> {
            Endpoints.EndpointRow row = endpoint(c, name);
            Deployments.DeploymentRow d = deploymentRow(c, row, deployment);
            List<DeploymentLogView.Line> lines = DeploymentLogs.lines(c, d.id(), after, count).stream()
                    .map(l -> new DeploymentLogView.Line(l.id(), l.at(), l.level(), l.instanceId(), l.workerId(),
                            l.message())).toList();
            long last = lines.isEmpty() ? (after == null ? 0 : after) : lines.get(lines.size() - 1).id();
            return new DeploymentLogView(row.name(), d.name(), lines, last);
        });
    }

    /** What each deployment answered over the last {@code minutes} (default 15, 1 to 1440). */
    public EndpointMetrics metrics(String name, Integer minutes) {
        int window = minutes == null ? 15 : minutes;
        if (window < 1 || window > 1440) {
            throw new InvalidFieldException("minutes", "must be from 1 to 1440, got " + window);
        }
        Instant from = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(window - 1L, ChronoUnit.MINUTES);
        return db.read(c -> {
            Endpoints.EndpointRow row = endpoint(c, name);
            List<Deployments.DeploymentRow> deployments = Deployments.ofEndpoints(c, List.of(row.id()));
            List<DeploymentTraffic.Minute> minutesRead = DeploymentTraffic.since(c,
                    deployments.stream().map(Deployments.DeploymentRow::id).toList(), from);
            List<EndpointMetrics.Deployment> out = new ArrayList<>();
            for (Deployments.DeploymentRow d : deployments) {
                List<DeploymentTraffic.Minute> mine = minutesRead.stream()
                        .filter(m -> m.deploymentId().equals(d.id())).toList();
                long[] all = new long[DeploymentTraffic.BUCKET_ENDS_MS.size() + 1];
                long requests = 0;
                long errors = 0;
                long throttled = 0;
                long mirrored = 0;
                List<EndpointMetrics.Minute> series = new ArrayList<>();
                for (DeploymentTraffic.Minute m : mine) {
                    DeploymentTraffic.Counts n = m.counts();
                    long[] latency = n.latency();
                    for (int i = 0; i < all.length; i++) {
                        all[i] += latency[i];
                    }
                    requests += n.requests();
                    errors += n.errors();
                    throttled += n.throttled();
                    mirrored += n.mirrored();
                    series.add(new EndpointMetrics.Minute(m.minute(), n.requests(), n.errors(), n.throttled(),
                            n.mirrored(), EndpointMetrics.percentile(latency, 0.5), EndpointMetrics.percentile(latency, 0.99)));
                }
                out.add(new EndpointMetrics.Deployment(d.name(), requests, requests / (window * 60.0), errors, throttled,
                        mirrored, EndpointMetrics.percentile(all, 0.5), EndpointMetrics.percentile(all, 0.99), series));
            }
            return new EndpointMetrics(name, window, out);
        });
    }

    public EndpointView.Deployment createDeployment(String endpointName, EndpointRequests.CreateDeployment request,
                                                    String baseUrl, Caller by) {
        if ((request.modelId() == null) == (request.flow() == null)) {
            String both = request.modelId() == null ? "is required: give modelId (a model to serve) or flow (a saved "
                    + "prompt flow to serve)" : "give modelId or flow, not both";
            throw new InvalidFieldException(List.of(new FieldError("modelId", both), new FieldError("flow", both)));
        }
        NewServed served = request.flow() != null ? flowToServe(request) : modelToServe(request);
        write(c -> {
            Endpoints.EndpointRow row = Endpoints.lock(c, endpointName).orElseThrow(() -> noEndpoint(endpointName));
            List<Deployments.DeploymentRow> others = Deployments.ofEndpoints(c, List.of(row.id()));
            if (others.stream().anyMatch(d -> d.servesFlow() != (served.flow() != null))) {
                throw new ConflictException("endpoint '" + endpointName + "' serves " + (served.flow() != null
                        ? "models" : "prompt flows") + "; its callers send one request shape, so a "
                        + (served.flow() != null ? "flow" : "model") + " goes into an endpoint of its own");
            }
            boolean made = Deployments.insert(c, new Deployments.NewDeployment(UUID.randomUUID(), row.id(),
                    request.name(), served.modelId(), served.versionId(), served.task(), served.artifact(),
                    request.instanceCount() == null ? 1 : request.instanceCount(),
                    request.device() == null ? "cpu" : request.device(), reserved(request.cpuCores()), served.limits(),
                    by.userId(), served.flow()));
            if (!made) {
                throw new ConflictException("endpoint '" + endpointName + "' has a deployment called '"
                        + request.name() + "' already");
            }
            Map<String, Integer> traffic = new LinkedHashMap<>(row.traffic());
            boolean first = traffic.values().stream().mapToInt(Integer::intValue).sum() == 0;
            traffic.put(request.name(), first ? 100 : 0);
            Endpoints.setTraffic(c, row.id(), traffic);
            return null;
        });
        audit.record(by.did("deployment.create", "endpoint", endpointName, served.flow() == null
                ? Map.of("deployment", request.name(), "modelId", served.modelId().toString(), "versionNumber",
                served.versionNumber())
                : Map.of("deployment", request.name(), "flow", served.flow().name(), "flowVersion",
                served.flow().version(), "variants", served.flow().variants())));
        return deployment(endpointName, request.name(), baseUrl);
    }

    /** What a new deployment serves: a model version ({@code flow} null) or a prompt flow, and its limits. */
    private record NewServed(UUID modelId, UUID versionId, int versionNumber, String task, String artifact,
                             Deployments.FlowServed flow, Deployments.Limits limits) {
    }

    private NewServed modelToServe(EndpointRequests.CreateDeployment request) {
        List<FieldError> errors = new ArrayList<>();
        if (request.variants() != null) {
            errors.add(new FieldError("variants", "is for flow deployments; leave it out with modelId"));
        }
        JobInputs.Target target = inputs.target(request.modelId(), request.versionNumber(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        String artifact = JobInputs.artifactUri(target.model(), target.version());
        Task task = Task.fromWireName(target.model().task()).filter(SERVED::contains).orElseThrow(() ->
                new InvalidFieldException("modelId", "model '" + target.model().name() + "' is for "
                        + target.model().task() + ", which cannot be deployed yet; deployments serve "
                        + SERVED.stream().map(Task::wireName).collect(Collectors.joining(", "))));
        return new NewServed(target.model().id(), target.version().id(), target.version().versionNumber(),
                task.wireName(), artifact, null,
                new Deployments.Limits(or(request.maxConcurrentRequestsPerInstance(), DEFAULT_LIMITS.maxConcurrent()),
                        or(request.requestTimeoutMs(), DEFAULT_LIMITS.requestTimeoutMs()),
                        or(request.maxBatchSize(), DEFAULT_LIMITS.maxBatchSize()),
                        or(request.maxBatchDelayMs(), DEFAULT_LIMITS.maxBatchDelayMs())));
    }

    private NewServed flowToServe(EndpointRequests.CreateDeployment request) {
        List<FieldError> errors = new ArrayList<>();
        modelSettingsLeftOut(errors, Map.of("versionNumber", request.versionNumber() != null, "instanceCount",
                request.instanceCount() != null, "device", request.device() != null, "cpuCores",
                request.cpuCores() != null, "maxBatchSize", request.maxBatchSize() != null, "maxBatchDelayMs",
                request.maxBatchDelayMs() != null));
        Deployments.FlowServed flow = db.read(c -> PromptFlows.byName(c, request.flow()))
                .map(row -> new Deployments.FlowServed(row.name(), row.version(), row.flow(),
                        request.variants() == null ? Map.of() : request.variants()))
                .orElse(null);
        if (flow == null) {
            errors.add(new FieldError("flow", "no flow is called '" + request.flow() + "' (GET /api/v1/flows lists "
                    + "them)"));
        } else {
            errors.addAll(servable(flow));
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        return new NewServed(null, null, 0, Deployments.FLOW_TASK, null, flow, new Deployments.Limits(
                or(request.maxConcurrentRequestsPerInstance(), DEFAULT_FLOW_LIMITS.maxConcurrent()),
                or(request.requestTimeoutMs(), DEFAULT_FLOW_LIMITS.requestTimeoutMs()),
                DEFAULT_FLOW_LIMITS.maxBatchSize(), DEFAULT_FLOW_LIMITS.maxBatchDelayMs()));
    }

    /** The errors of a flow to serve: variants it does not have, models that no connection allows now. */
    private List<FieldError> servable(Deployments.FlowServed flow) {
        List<FieldError> errors = new ArrayList<>(flow.definition().variantProblems(flow.variants(), "variants.")
                .stream().map(e -> new FieldError(e.field(), e.message())).toList());
        errors.addAll(flows.get().problems(flow.definition(), "flow"));
        return errors;
    }

    /** Errors for the settings given that only a model deployment has (its instances, on runners). */
    private static void modelSettingsLeftOut(List<FieldError> errors, Map<String, Boolean> given) {
        given.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).sorted().forEach(field ->
                errors.add(new FieldError(field, "is for model deployments; a flow deployment runs in the catalog "
                        + "service, on no runner's instances")));
    }

    /**
     * Changes a deployment: another version of its model (placed and loaded beside the current instances, which
     * keep answering until the new ones are ready), its number of instances, or its limits; a flow deployment's
     * flow version (the one saved now), its variants, or its limits.
     */
    public EndpointView.Deployment updateDeployment(String endpointName, String deploymentName,
                                                    EndpointRequests.UpdateDeployment request, String baseUrl,
                                                    Caller by) {
        Deployments.DeploymentRow current = db.read(c -> deploymentRow(c, endpoint(c, endpointName), deploymentName));
        Deployments.Limits was = current.limits();
        Deployments.Limits limits = new Deployments.Limits(
                or(request.maxConcurrentRequestsPerInstance(), was.maxConcurrent()),
                or(request.requestTimeoutMs(), was.requestTimeoutMs()), or(request.maxBatchSize(), was.maxBatchSize()),
                or(request.maxBatchDelayMs(), was.maxBatchDelayMs()));
        Deployments.Change change = current.servesFlow() ? flowChange(current, request, limits)
                : modelChange(current, request, limits);
        write(c -> {
            Endpoints.EndpointRow row = Endpoints.lock(c, endpointName).orElseThrow(() -> noEndpoint(endpointName));
            Deployments.update(c, deploymentRow(c, row, deploymentName).id(), change);
            return null;
        });
        audit.record(by.did("deployment.update", "endpoint", endpointName, change.flow() == null
                ? Map.of("deployment", deploymentName, "versionNumber", request.versionNumber() != null
                ? request.versionNumber() : current.versionNumber(), "instanceCount", change.instanceCount(),
                "cpuCores", change.cpuCores() == null ? 0 : change.cpuCores())
                : Map.of("deployment", deploymentName, "flowVersion", change.flow().version(), "variants",
                change.flow().variants())));
        return deployment(endpointName, deploymentName, baseUrl);
    }

    private Deployments.Change modelChange(Deployments.DeploymentRow current, EndpointRequests.UpdateDeployment request,
                                           Deployments.Limits limits) {
        List<FieldError> errors = new ArrayList<>();
        if (request.redeployFlow() != null) {
            errors.add(new FieldError("redeployFlow", "is for flow deployments; '" + current.name() + "' serves a model"));
        }
        if (request.variants() != null) {
            errors.add(new FieldError("variants", "is for flow deployments; '" + current.name() + "' serves a model"));
        }
        String artifact = current.artifactUri();
        UUID version = current.modelVersionId();
        if (request.versionNumber() != null && request.versionNumber() != current.versionNumber()) {
            JobInputs.Target target = inputs.target(current.modelId(), request.versionNumber(), errors);
            if (errors.isEmpty()) {
                artifact = JobInputs.artifactUri(target.model(), target.version());
                version = target.version().id();
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        return new Deployments.Change(version, artifact, or(request.instanceCount(), current.instanceCount()),
                request.cpuCores() == null ? current.cpuCores() : reserved(request.cpuCores()), limits, null);
    }

    private Deployments.Change flowChange(Deployments.DeploymentRow current, EndpointRequests.UpdateDeployment request,
                                          Deployments.Limits limits) {
        List<FieldError> errors = new ArrayList<>();
        modelSettingsLeftOut(errors, Map.of("versionNumber", request.versionNumber() != null, "instanceCount",
                request.instanceCount() != null, "cpuCores", request.cpuCores() != null, "maxBatchSize",
                request.maxBatchSize() != null, "maxBatchDelayMs", request.maxBatchDelayMs() != null));
        Deployments.FlowServed flow = current.flow();
        if (Boolean.TRUE.equals(request.redeployFlow())) {
            String name = flow.name();
            PromptFlows.FlowRow saved = db.read(c -> PromptFlows.byName(c, name)).orElseThrow();
            flow = new Deployments.FlowServed(saved.name(), saved.version(), saved.flow(), flow.variants());
        }
        if (request.variants() != null) {
            flow = new Deployments.FlowServed(flow.name(), flow.version(), flow.definition(), request.variants());
        }
        if (!flow.equals(current.flow())) {
            errors.addAll(servable(flow));
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        return new Deployments.Change(null, null, current.instanceCount(), null, new Deployments.Limits(limits.maxConcurrent(),
                limits.requestTimeoutMs(), current.limits().maxBatchSize(), current.limits().maxBatchDelayMs()), flow);
    }

    public void deleteDeployment(String endpointName, String deploymentName, Caller by) {
        write(c -> {
            Endpoints.EndpointRow row = Endpoints.lock(c, endpointName).orElseThrow(() -> noEndpoint(endpointName));
            Deployments.DeploymentRow d = deploymentRow(c, row, deploymentName);
            int share = row.traffic().getOrDefault(deploymentName, 0);
            if (share > 0) {
                throw new ConflictException("deployment '" + deploymentName + "' receives " + share + "% of the traffic "
                        + "of '" + endpointName + "'; move its traffic to another deployment (PUT "
                        + "/api/v1/endpoints/" + endpointName + "/traffic) before deleting it");
            }
            if (row.mirror().containsKey(deploymentName)) {
                throw new ConflictException("deployment '" + deploymentName + "' receives mirrored calls of '"
                        + endpointName + "'; stop the mirror (PUT /api/v1/endpoints/" + endpointName + "/mirror "
                        + "with {\"mirror\": {}}) before deleting it");
            }
            Deployments.delete(c, d.id());
            Map<String, Integer> traffic = new LinkedHashMap<>(row.traffic());
            traffic.remove(deploymentName);
            Endpoints.setTraffic(c, row.id(), traffic);
            return null;
        });
        audit.record(by.did("deployment.delete", "endpoint", endpointName, Map.of("deployment", deploymentName)));
    }

    public EndpointView.Deployment deployment(String endpointName, String deploymentName, String baseUrl) {
        return get(endpointName, baseUrl).deployments().stream().filter(d -> d.name().equals(deploymentName))
                .findFirst().orElseThrow(() -> noDeployment(endpointName, deploymentName));
    }

    private Endpoints.StoredKey stored(String endpoint, Endpoints.KeyType type, IssuedToken key) {
        return new Endpoints.StoredKey(key.hash(), cipher == null ? null
                : cipher.seal(keyName(endpoint, type), key.value()).encode());
    }

    private String open(Endpoints.EndpointRow row, Endpoints.KeyType type) {
        String sealed = row.key(type).sealed();
        if (cipher == null || sealed == null) {
            throw new ConflictException("the keys of '" + row.name() + "' cannot be shown again: they were shown once, "
                    + "when made, because " + (cipher == null ? SecretCipher.KEY_VARIABLE + " is not set on "
                    + "catalog-service" : "they were made before " + SecretCipher.KEY_VARIABLE + " was set")
                    + ". Regenerate a key to get a new one");
        }
        try {
            return cipher.open(keyName(row.name(), type), SecretCipher.Sealed.decode(sealed));
        } catch (SecretUnreadableException e) {
            throw new ConflictException("the keys of '" + row.name() + "' cannot be read: " + e.getMessage()
                    + ". Regenerate them");
        }
    }

    private static String keyName(String endpoint, Endpoints.KeyType type) {
        return "endpoint/" + endpoint + "/" + type.name().toLowerCase(Locale.ROOT);
    }

    private static void requireKeyMode(Endpoints.EndpointRow row) {
        if (!"key".equals(row.authMode())) {
            throw new ConflictException("endpoint '" + row.name() + "' takes personal API tokens (authMode token); "
                    + "it has no keys");
        }
    }

    /** A change of endpoints or deployments: this service's gateway stops using the routes it read before it. */
    private <T> T write(Database.Work<T> work) {
        try {
            return db.write(work);
        } finally {
            gateway.forgetRoutes();
        }
    }

    /** The CPU cores an instance reserves as stored: none (null) for 0 or left out. */
    private static Integer reserved(Integer cpuCores) {
        return cpuCores == null || cpuCores == 0 ? null : cpuCores;
    }

    private static int or(Integer given, int otherwise) {
        return given == null ? otherwise : given;
    }

    private static Deployments.DeploymentRow deploymentRow(Connection c, Endpoints.EndpointRow endpoint, String name)
            throws SQLException {
        return Deployments.ofEndpoints(c, List.of(endpoint.id())).stream().filter(d -> d.name().equals(name))
                .findFirst().orElseThrow(() -> noDeployment(endpoint.name(), name));
    }

    private static Endpoints.EndpointRow endpoint(Connection c, String name) throws SQLException {
        return Endpoints.byName(c, name).orElseThrow(() -> noEndpoint(name));
    }

    static NotFoundException noEndpoint(String name) {
        return new NotFoundException("no endpoint is called '" + name + "'");
    }

    private static NotFoundException noDeployment(String endpoint, String name) {
        return new NotFoundException("endpoint '" + endpoint + "' has no deployment called '" + name + "'");
    }

    private static List<EndpointView> views(Connection c, List<Endpoints.EndpointRow> rows, String baseUrl)
            throws SQLException {
        List<Deployments.DeploymentRow> deployments = Deployments.ofEndpoints(c, rows.stream()
                .map(Endpoints.EndpointRow::id).toList());
        Map<UUID, List<Deployments.InstanceRow>> instances = Deployments.instances(c, deployments.stream()
                .map(Deployments.DeploymentRow::id).toList()).stream()
                .collect(Collectors.groupingBy(Deployments.InstanceRow::deploymentId));
        List<EndpointView> views = new ArrayList<>();
        for (Endpoints.EndpointRow e : rows) {
            List<EndpointView.Deployment> ds = deployments.stream().filter(d -> d.endpointId().equals(e.id()))
                    .map(d -> deploymentView(d, instances.getOrDefault(d.id(), List.of()))).toList();
            String base = baseUrl + "/endpoints/" + e.name();
            views.add(new EndpointView(e.name(), e.description(), e.authMode(), base + "/score", base + "/v1",
                    "key".equals(e.authMode()) ? baseUrl + "/score" : null,
                    e.traffic(), e.mirror(), e.createdBy(), e.createdAt(), e.updatedAt(), ds));
        }
        return views;
    }

    private static EndpointView.Deployment deploymentView(Deployments.DeploymentRow d,
                                                          List<Deployments.InstanceRow> instances) {
        if (d.servesFlow()) {
            return flowDeploymentView(d);
        }
        List<Deployments.InstanceRow> current = instances.stream().filter(d::current).toList();
        long ready = current.stream().filter(Deployments.InstanceRow::ready).count();
        Optional<Deployments.InstanceRow> failed = current.stream().filter(i -> "failed".equals(i.state())).findFirst();
        boolean updating = current.size() < instances.size();
        String state;
        String reason = null;
        if (failed.isPresent()) {
            state = "failed";
            reason = failed.get().reason();
        } else if (ready >= d.instanceCount()) {
            state = "ready";
        } else {
            state = updating ? "updating" : "creating";
            boolean gpu = "gpu".equals(d.deviceKind());
            reason = current.size() < d.instanceCount()
                    ? "waiting for a live runner" + (gpu ? " with a GPU" : "")
                    + (d.cpuCores() == null ? "" : (gpu ? " and " : " with ") + d.cpuCores()
                    + " CPU core(s) that no instance reserves") + " to place " + (d.instanceCount() - current.size())
                    + " of " + d.instanceCount() + " instance(s) on"
                    : ready + " of " + d.instanceCount() + " instance(s) ready; the others are loading the model";
            if (updating) {
                reason += "; the instances of the previous version or CPU cores answer until then";
            }
        }
        return new EndpointView.Deployment(d.name(), d.modelId(), d.modelName(), d.versionNumber(), d.task(), null,
                d.instanceCount(), d.deviceKind(), d.cpuCores() == null ? 0 : d.cpuCores(), d.maxConcurrent(),
                d.requestTimeoutMs(), d.limits().maxBatchSize(), d.limits().maxBatchDelayMs(), state, reason,
                d.createdAt(), d.updatedAt(), instances.stream().map(i -> new EndpointView.Instance(i.id(),
                        i.workerHost(), i.versionNumber(), i.cpuCores() == null ? 0 : i.cpuCores(), i.state(),
                        i.reason())).toList());
    }

    /** A flow deployment: ready at once (the catalog service runs it), unless its creator can no longer call LLMs. */
    private static EndpointView.Deployment flowDeploymentView(Deployments.DeploymentRow d) {
        Deployments.Owner owner = d.owner();
        String unusable = owner == null ? "its creator's account is gone" : owner.disabled()
                ? "its creator's account (" + owner.username() + ") is disabled"
                : "viewer".equals(owner.role()) ? "its creator (" + owner.username() + ") is a viewer now" : null;
        Deployments.FlowServed f = d.flow();
        return new EndpointView.Deployment(d.name(), null, null, null, d.task(),
                new EndpointView.FlowServed(f.name(), f.version(), f.definition().inputs(), f.variants(),
                        owner == null ? null : owner.username()),
                d.instanceCount(), "cpu", 0, d.maxConcurrent(), d.requestTimeoutMs(), d.limits().maxBatchSize(),
                d.limits().maxBatchDelayMs(), unusable == null ? "ready" : "failed", unusable == null ? null : unusable
                + ": a flow deployment calls LLMs as its creator; deploy the flow again as a contributor",
                d.createdAt(), d.updatedAt(), List.of());
    }
}
