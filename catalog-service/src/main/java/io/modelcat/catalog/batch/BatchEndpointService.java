package io.modelcat.catalog.batch;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.dataset.DatasetService;
import io.modelcat.catalog.job.JobDataset;
import io.modelcat.catalog.job.JobService;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.jobinput.DatasetFile;
import io.modelcat.catalog.jobinput.JobInputs;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.BatchScoreHelperSpec;
import io.modelcat.jobs.spec.BatchScoreResult;
import io.modelcat.jobs.spec.BatchScoreSpec;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.jobs.spec.SpecError;
import io.modelcat.jobs.task.Task;
import io.modelcat.store.Database;
import io.modelcat.store.batch.BatchEndpoints;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Batch endpoints (docs/deployments.md): contributors create them, deploy model versions in them and
 * invoke them on datasets; everyone signed in reads them. An invocation is a {@code batch-score} job that
 * the runners execute in mini-batches; its outputs are downloaded once it has succeeded. Every change is
 * audited.
 */
@Singleton
public class BatchEndpointService {

    /** The tasks a batch deployment can score: those the runners predict. */
    static final List<Task> SCORED = Task.running(JobKind.PREDICT);
    private static final int JOBS_SHOWN = 50;

    private final Database db;
    private final AuditLog audit;
    private final JobInputs inputs;
    private final JobService jobs;
    private final DatasetService datasets;

    public BatchEndpointService(Database db, AuditLog audit, JobInputs inputs, JobService jobs,
                                DatasetService datasets) {
        this.db = db;
        this.audit = audit;
        this.inputs = inputs;
        this.jobs = jobs;
        this.datasets = datasets;
    }

    public BatchEndpointView create(BatchEndpointRequests.CreateEndpoint request, Caller by) {
        boolean made = db.write(c -> BatchEndpoints.insert(c, UUID.randomUUID(), request.name(),
                request.description() == null ? "" : request.description().strip(), by.userId()));
        if (!made) {
            throw new ConflictException("a batch endpoint called '" + request.name() + "' exists already");
        }
        audit.record(by.did("batch-endpoint.create", "batch-endpoint", request.name(), Map.of()));
        return get(request.name());
    }

    public BatchEndpointView.Endpoints list() {
        return db.read(c -> new BatchEndpointView.Endpoints(views(c, BatchEndpoints.all(c))));
    }

    public BatchEndpointView get(String name) {
        return db.read(c -> views(c, List.of(endpoint(c, name))).get(0));
    }

    /** Deletes an endpoint and its deployments; its jobs stay in the job list. 409 while one is queued or running. */
    public void delete(String name, Caller by) {
        BatchEndpoints.EndpointRow row = db.read(c -> endpoint(c, name));
        List<String> active = jobViews(row).stream().filter(j -> !j.job().isFinal())
                .map(j -> j.job().id().toString()).toList();
        if (!active.isEmpty()) {
            throw new ConflictException("batch endpoint '" + name + "' has jobs that have not ended (" + String.join(", ",
                    active) + "); wait for them or cancel them (POST /api/v1/jobs/{id}/cancel) first");
        }
        db.write(c -> BatchEndpoints.delete(c, row.id()));
        audit.record(by.did("batch-endpoint.delete", "batch-endpoint", name, Map.of()));
    }

    /** Adds a deployment; the endpoint's first becomes its default. */
    public BatchEndpointView.Deployment createDeployment(String endpointName, BatchEndpointRequests.CreateDeployment request,
                                                         Caller by) {
        List<FieldError> errors = new ArrayList<>();
        JobInputs.Target target = inputs.target(request.modelId(), request.versionNumber(), errors);
        List<SpecError> invalid = new ArrayList<>();
        int instanceCount = BatchScoreSpec.INSTANCE_COUNT.resolve("", request.instanceCount(), invalid).intValue();
        JobInputs.add(invalid, errors);
        JobInputs.throwIfAny(errors);
        JobInputs.artifactUri(target.model(), target.version());
        Task task = Task.fromWireName(target.model().task()).filter(SCORED::contains).orElseThrow(() ->
                new InvalidFieldException("modelId", "model '" + target.model().name() + "' is for "
                        + target.model().task() + ", which batch endpoints cannot score yet; they score "
                        + SCORED.stream().map(Task::wireName).collect(Collectors.joining(", "))));
        db.write(c -> {
            BatchEndpoints.EndpointRow row = BatchEndpoints.lock(c, endpointName).orElseThrow(() -> noEndpoint(endpointName));
            boolean made = BatchEndpoints.insertDeployment(c, new BatchEndpoints.NewDeployment(UUID.randomUUID(),
                    row.id(), request.name(), target.model().id(), target.version().id(), task.wireName(), instanceCount,
                    by.userId()));
            if (!made) {
                throw new ConflictException("batch endpoint '" + endpointName + "' has a deployment called '"
                        + request.name() + "' already");
            }
            if (row.defaultDeployment() == null) {
                BatchEndpoints.setDefault(c, row.id(), request.name());
            }
            return null;
        });
        audit.record(by.did("batch-deployment.create", "batch-endpoint", endpointName, Map.of("deployment",
                request.name(), "modelId", target.model().id().toString(), "versionNumber",
                target.version().versionNumber(), "instanceCount", instanceCount)));
        return deployment(endpointName, request.name());
    }

    /**
     * Changes a deployment's model version (another of its model's, with files) and instance count, as Azure ML's
     * {@code az ml batch-deployment update} does; invocations submitted before keep the version and count they had.
     */
    public BatchEndpointView.Deployment updateDeployment(String endpointName, String deploymentName,
                                                         BatchEndpointRequests.UpdateDeployment request, Caller by) {
        BatchEndpoints.DeploymentRow current = db.read(c -> named(BatchEndpoints.deployments(c,
                List.of(endpoint(c, endpointName).id())), endpointName, deploymentName));
        List<FieldError> errors = new ArrayList<>();
        JobInputs.Target target = request.versionNumber() == null ? null
                : inputs.target(current.modelId(), request.versionNumber(), errors);
        List<SpecError> invalid = new ArrayList<>();
        Integer instanceCount = request.instanceCount() == null ? null
                : BatchScoreSpec.INSTANCE_COUNT.resolve("", request.instanceCount(), invalid).intValue();
        JobInputs.add(invalid, errors);
        JobInputs.throwIfAny(errors);
        if (target != null) {
            JobInputs.artifactUri(target.model(), target.version());
        }
        db.write(c -> {
            // What the request leaves out is kept as the deployment has it under the endpoint's lock, so that two
            // changes of different fields at once both stay.
            BatchEndpoints.EndpointRow row = BatchEndpoints.lock(c, endpointName).orElseThrow(() -> noEndpoint(endpointName));
            BatchEndpoints.DeploymentRow d = named(BatchEndpoints.deployments(c, List.of(row.id())), endpointName,
                    deploymentName);
            BatchEndpoints.updateDeployment(c, d.id(), target == null ? d.modelVersionId() : target.version().id(),
                    instanceCount == null ? d.instanceCount() : instanceCount);
            return null;
        });
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("deployment", deploymentName);
        if (target != null) {
            changes.put("versionNumber", target.version().versionNumber());
        }
        if (instanceCount != null) {
            changes.put("instanceCount", instanceCount);
        }
        audit.record(by.did("batch-deployment.update", "batch-endpoint", endpointName, changes));
        return deployment(endpointName, deploymentName);
    }

    /** The endpoint's deployment called {@code deploymentName}, among its deployments; 404 when there is none. */
    private static BatchEndpoints.DeploymentRow named(List<BatchEndpoints.DeploymentRow> deployments, String endpointName,
                                                      String deploymentName) {
        return deployments.stream().filter(d -> d.name().equals(deploymentName)).findFirst()
                .orElseThrow(() -> noDeployment(endpointName, deploymentName));
    }

    /** Deletes a deployment: not the default while others could take its place (409). */
    public void deleteDeployment(String endpointName, String deploymentName, Caller by) {
        db.write(c -> {
            BatchEndpoints.EndpointRow row = BatchEndpoints.lock(c, endpointName).orElseThrow(() -> noEndpoint(endpointName));
            List<BatchEndpoints.DeploymentRow> all = BatchEndpoints.deployments(c, List.of(row.id()));
            BatchEndpoints.DeploymentRow d = named(all, endpointName, deploymentName);
            if (deploymentName.equals(row.defaultDeployment())) {
                if (all.size() > 1) {
                    throw new ConflictException("deployment '" + deploymentName + "' is the default of '" + endpointName
                            + "'; make another one the default (PUT /api/v1/batch-endpoints/" + endpointName
                            + "/default-deployment) before deleting it");
                }
                BatchEndpoints.setDefault(c, row.id(), null);
            }
            BatchEndpoints.deleteDeployment(c, d.id());
            return null;
        });
        audit.record(by.did("batch-deployment.delete", "batch-endpoint", endpointName, Map.of("deployment", deploymentName)));
    }

    public BatchEndpointView setDefault(String endpointName, BatchEndpointRequests.SetDefault request, Caller by) {
        db.write(c -> {
            BatchEndpoints.EndpointRow row = BatchEndpoints.lock(c, endpointName).orElseThrow(() -> noEndpoint(endpointName));
            List<String> names = BatchEndpoints.deployments(c, List.of(row.id())).stream()
                    .map(BatchEndpoints.DeploymentRow::name).toList();
            if (!names.contains(request.deployment())) {
                throw new InvalidFieldException("deployment", notADeployment(endpointName, request.deployment(), names));
            }
            BatchEndpoints.setDefault(c, row.id(), request.deployment());
            return null;
        });
        audit.record(by.did("batch-endpoint.default-deployment", "batch-endpoint", endpointName,
                Map.of("deployment", request.deployment())));
        return get(endpointName);
    }

    public BatchEndpointView.Deployment deployment(String endpointName, String deploymentName) {
        return get(endpointName).deployments().stream().filter(d -> d.name().equals(deploymentName))
                .findFirst().orElseThrow(() -> noDeployment(endpointName, deploymentName));
    }

    /**
     * Checks an invocation in full (deployment, dataset, input columns, sizes) and submits its
     * {@code batch-score} job; every bad field is named in one 400.
     */
    public BatchEndpointView.Job invoke(String endpointName, BatchEndpointRequests.Invoke request, Caller by) {
        BatchEndpoints.EndpointRow row = db.read(c -> endpoint(c, endpointName));
        List<BatchEndpoints.DeploymentRow> deployments = db.read(c -> BatchEndpoints.deployments(c, List.of(row.id())));
        List<FieldError> errors = new ArrayList<>();
        String deploymentName = request.deployment() != null ? request.deployment() : row.defaultDeployment();
        BatchEndpoints.DeploymentRow deployment = null;
        if (deploymentName == null) {
            errors.add(new FieldError("deployment", "batch endpoint '" + endpointName + "' has no deployment yet; "
                    + "create one (POST /api/v1/batch-endpoints/" + endpointName + "/deployments)"));
        } else {
            deployment = deployments.stream().filter(d -> d.name().equals(deploymentName)).findFirst().orElse(null);
            if (deployment == null) {
                errors.add(new FieldError("deployment", notADeployment(endpointName, deploymentName,
                        deployments.stream().map(BatchEndpoints.DeploymentRow::name).toList())));
            }
        }
        DatasetFile dataset = request.datasetId() == null ? null
                : inputs.dataset("datasetId", request.datasetId(), errors).orElse(null);
        Task task = deployment == null ? null : Task.fromWireName(deployment.task()).orElse(null);
        Map<String, String> columns = task == null || dataset == null ? null
                : InputColumns.resolve(task, request.inputColumns(), datasets.get(dataset.id()), errors);
        List<SpecError> invalid = new ArrayList<>();
        int miniBatchSize = BatchScoreSpec.MINI_BATCH_SIZE.resolve("", request.miniBatchSize(), invalid).intValue();
        int errorThreshold = BatchScoreSpec.ERROR_THRESHOLD.resolve("", request.errorThreshold(), invalid).intValue();
        int maxRetries = BatchScoreSpec.MAX_RETRIES.resolve("", request.maxRetries(), invalid).intValue();
        Number askedInstances = BatchScoreSpec.INSTANCE_COUNT.resolve("", request.instanceCount(), invalid);
        JobInputs.add(invalid, errors);
        if (request.outputFileName() != null
                && !BatchScoreSpec.OUTPUT_FILE_NAME.matcher(request.outputFileName()).matches()) {
            errors.add(new FieldError("outputFileName", "must be a file name ending in .csv: letters, digits, '.', '_' "
                    + "and '-', starting with a letter or digit, at most 100 characters (such as scores.csv)"));
        }
        DeviceRequest device = JobService.device(request.device());
        JobInputs.throwIfAny(errors);

        JobInputs.Target target = inputs.target(deployment.modelId(), deployment.versionNumber(), errors);
        if (!errors.isEmpty()) {
            throw new ConflictException("deployment '" + deploymentName + "' names a model version that is gone: "
                    + errors.get(0).message());
        }
        String artifactUri = JobInputs.artifactUri(target.model(), target.version());
        int instanceCount = request.instanceCount() != null ? askedInstances.intValue() : deployment.instanceCount();
        BatchScoreSpec spec = new BatchScoreSpec(task, target.version().id(), artifactUri, dataset.toRef(), dataset.name(),
                columns, miniBatchSize, errorThreshold, maxRetries, instanceCount, request.outputFileName());
        int priority = request.priority() == null ? 0 : request.priority();
        List<JobDataset> reads = List.of(new JobDataset(JobDataset.TEST, dataset.id()));
        JobView job = jobs.submit(by, spec, target.model().id(), target.version().id(), reads, device, priority,
                JobService.DEFAULT_MAX_ATTEMPTS, null);
        db.write(c -> {
            BatchEndpoints.linkJob(c, job.id(), row.id(), deploymentName);
            return null;
        });
        // The other instances join as helper jobs, queued after the invocation so that it starts first; they are
        // not linked to the endpoint, so its list shows the invocation alone.
        for (int instance = 1; instance < instanceCount; instance++) {
            jobs.submit(by, new BatchScoreHelperSpec(job.id(), instance, spec), target.model().id(),
                    target.version().id(), reads, device, priority, JobService.DEFAULT_MAX_ATTEMPTS, null);
        }
        audit.record(by.did("batch-endpoint.invoke", "batch-endpoint", endpointName, Map.of("deployment", deploymentName,
                "jobId", job.id().toString(), "datasetId", dataset.id().toString())));
        return new BatchEndpointView.Job(deploymentName, job, null);
    }

    /** The endpoint's invocations, newest first (the latest 50). */
    public BatchEndpointView.Jobs jobs(String endpointName) {
        return new BatchEndpointView.Jobs(jobViews(db.read(c -> endpoint(c, endpointName))));
    }

    public BatchEndpointView.Job job(String endpointName, UUID jobId) {
        BatchEndpoints.JobLink link = db.read(c -> BatchEndpoints.job(c, endpoint(c, endpointName).id(), jobId))
                .orElseThrow(() -> noJob(endpointName, jobId));
        return view(endpointName, link, jobs.get(jobId));
    }

    /** An output file of a succeeded invocation; 404 for another name, another endpoint's job, or before it succeeded. */
    public Path output(String endpointName, UUID jobId, String file) {
        BatchEndpointView.Job job = job(endpointName, jobId);
        if (!"succeeded".equals(job.job().state())) {
            throw new NotFoundException("job " + jobId + " is " + job.job().state() + "; its outputs are there once it "
                    + "has succeeded");
        }
        BatchScoreResult result = JobSpecs.convert(job.job().result(), BatchScoreResult.class);
        if (!result.files().contains(file)) {
            throw new NotFoundException("job " + jobId + " wrote " + String.join(" and ", result.files()) + ", not '"
                    + file + "'");
        }
        Path path = Path.of(URI.create(result.outputUri())).resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new NotFoundException("the " + file + " of job " + jobId + " is no longer at " + path);
        }
        return path;
    }

    private List<BatchEndpointView.Job> jobViews(BatchEndpoints.EndpointRow row) {
        List<BatchEndpoints.JobLink> links = db.read(c -> BatchEndpoints.jobs(c, row.id(), JOBS_SHOWN));
        List<BatchEndpointView.Job> views = new ArrayList<>();
        for (BatchEndpoints.JobLink link : links) {
            try {
                views.add(view(row.name(), link, jobs.get(link.jobId())));
            } catch (NotFoundException gone) {
                // deleted between the two reads
            }
        }
        return views;
    }

    private static BatchEndpointView.Job view(String endpointName, BatchEndpoints.JobLink link, JobView job) {
        Map<String, String> outputs = null;
        if ("succeeded".equals(job.state())) {
            outputs = new LinkedHashMap<>();
            for (String file : JobSpecs.convert(job.result(), BatchScoreResult.class).files()) {
                outputs.put(file, "/api/v1/batch-endpoints/" + endpointName + "/jobs/" + job.id() + "/outputs/" + file);
            }
        }
        return new BatchEndpointView.Job(link.deploymentName(), job, outputs);
    }

    private static BatchEndpoints.EndpointRow endpoint(Connection c, String name) throws SQLException {
        return BatchEndpoints.byName(c, name).orElseThrow(() -> noEndpoint(name));
    }

    private static NotFoundException noEndpoint(String name) {
        return new NotFoundException("no batch endpoint is called '" + name + "'");
    }

    private static NotFoundException noDeployment(String endpoint, String name) {
        return new NotFoundException("batch endpoint '" + endpoint + "' has no deployment called '" + name + "'");
    }

    private static NotFoundException noJob(String endpoint, UUID jobId) {
        return new NotFoundException("batch endpoint '" + endpoint + "' has no job " + jobId);
    }

    private static String notADeployment(String endpoint, String name, List<String> names) {
        return "'" + name + "' is not a deployment of '" + endpoint + "'; its deployments are "
                + (names.isEmpty() ? "none yet" : String.join(", ", names));
    }

    private static List<BatchEndpointView> views(Connection c, List<BatchEndpoints.EndpointRow> rows) throws SQLException {
        List<BatchEndpoints.DeploymentRow> deployments = BatchEndpoints.deployments(c,
                rows.stream().map(BatchEndpoints.EndpointRow::id).toList());
        List<BatchEndpointView> views = new ArrayList<>();
        for (BatchEndpoints.EndpointRow e : rows) {
            List<BatchEndpointView.Deployment> ds = deployments.stream().filter(d -> d.endpointId().equals(e.id()))
                    .map(d -> new BatchEndpointView.Deployment(d.name(), d.modelId(), d.modelName(), d.versionNumber(),
                            d.task(), d.instanceCount(), d.createdAt())).toList();
            views.add(new BatchEndpointView(e.name(), e.description(), e.defaultDeployment(),
                    "/api/v1/batch-endpoints/" + e.name() + "/jobs", e.createdBy(), e.createdAt(), e.updatedAt(), ds));
        }
        return views;
    }
}
