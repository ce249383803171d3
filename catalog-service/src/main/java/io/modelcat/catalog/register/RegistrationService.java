package io.modelcat.catalog.register;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.job.JobService;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.metrics.MetricsRepository;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelRepository;
import io.modelcat.catalog.model.ModelRequests;
import io.modelcat.catalog.model.ModelService;
import io.modelcat.catalog.model.ModelSummary;
import io.modelcat.catalog.model.ModelVersion;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.DatasetRef;
import io.modelcat.jobs.spec.FinetuneResult;
import io.modelcat.jobs.spec.FinetuneSpec;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.store.Database;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Registers the output of a succeeded fine-tune job in the catalog: a new model (source {@code finetuned})
 * or the next version of an existing one, whose lineage names the base version, datasets, hyperparameters
 * and test metrics. All in one transaction, with the job locked, so a job is registered at most once.
 */
@Singleton
public class RegistrationService {

    private final Database db;
    private final JobRegistrations registrations;
    private final JobService jobs;
    private final ModelService modelService;
    private final ModelRepository models;
    private final MetricsRepository metrics;
    private final AuditLog audit;

    public RegistrationService(Database db, JobRegistrations registrations, JobService jobs,
                               ModelService modelService, ModelRepository models, MetricsRepository metrics,
                               AuditLog audit) {
        this.db = db;
        this.registrations = registrations;
        this.jobs = jobs;
        this.modelService = modelService;
        this.models = models;
        this.metrics = metrics;
        this.audit = audit;
    }

    /**
     * The registered model's card (the new model, or the existing one with its new version). Only the
     * job's submitter or an admin may register it; the registration is audited in the same transaction.
     */
    public ModelCard register(UUID jobId, RegisterRequest request, Caller caller) {
        // The repositories below join this transaction.
        return db.write(c -> {
            if (!registrations.lockJob(jobId)) {
                throw new NotFoundException("no job has id " + jobId);
            }
            JobView job = jobs.get(jobId);
            caller.requireOwnerOrAdmin(job.submittedBy() == null ? null : job.submittedBy().id(), "job " + jobId);
            FinetuneResult result = registrable(job);
            String outputUri = result.outputUri();
            registrations.registeredVersion(jobId).ifPresent(r -> {
                throw new ConflictException("job " + jobId + " is already registered as version " + r.versionNumber()
                        + " of model " + r.modelId());
            });
            FinetuneSpec spec = JobSpecs.convert(job.params(), FinetuneSpec.class);
            String task = spec.task().wireName();
            UUID baseVersionId = spec.modelVersionId();
            ModelSummary base = job.modelId() == null ? null
                    : models.find(job.modelId()).map(ModelCard::summary).orElse(null);
            boolean baseVersionExists = base != null && baseVersionId != null && models.versions(base.id()).stream()
                    .anyMatch(v -> v.id().equals(baseVersionId));

            Map<String, Double> testMetrics = metrics.finalTestMetrics(List.of(jobId)).getOrDefault(jobId, Map.of());
            Map<String, Object> lineage = new LinkedHashMap<>();
            lineage.put("jobId", jobId.toString());
            lineage.put("baseModelVersionId", baseVersionId == null ? null : baseVersionId.toString());
            lineage.put("trainDatasetId", datasetId(spec.train()));
            lineage.put("validationDatasetId", datasetId(spec.validation()));
            lineage.put("testDatasetId", datasetId(spec.test()));
            Map<String, Object> hyperparameters = new LinkedHashMap<>(JobSpecs.toMap(spec.hyperparameters()));
            if (result.loraTargetModules() != null) {
                // The layers the adapter has: those asked for, or the architecture's defaults when none were.
                hyperparameters.put("loraTargetModules", result.loraTargetModules());
            }
            lineage.put("hyperparameters", hyperparameters);
            lineage.put("metrics", testMetrics);

            UUID modelId;
            String notes;
            if (request.modelId() != null) {
                ModelCard target = models.find(request.modelId()).orElseThrow(() ->
                        new InvalidFieldException("modelId", "no model has id " + request.modelId()));
                modelId = target.summary().id();
                notes = request.name().strip() + " (fine-tuned by job " + jobId + ")";
            } else {
                String license = request.license();
                if (license == null) {
                    if (base == null) {
                        throw new InvalidFieldException("license", "is required: the base model of job " + jobId
                                + " no longer exists, so there is no licence to inherit");
                    }
                    license = base.license();
                }
                ModelCard created = modelService.create(new ModelRequests.Create(request.name(), null,
                        request.description() == null ? defaultDescription(base, task, jobId) : request.description(),
                        task, List.of(task), license, request.tags(), base == null ? null : base.library(), null,
                        List.of(), new ModelRequests.SourceInput("finetuned", null, null)), caller);
                modelId = created.summary().id();
                notes = "Fine-tuned by job " + jobId;
            }
            ModelVersion version = modelService.addVersion(modelId, new ModelRequests.CreateVersion(null, outputUri,
                    baseVersionExists ? baseVersionId : null, lineage, notes), caller);
            // The job's figures now describe the registered model (they were measured on its weights).
            metrics.attribute(jobId, modelId, version.id());
            audit.record(caller.did("model.register", "model", modelId, Map.of("jobId", jobId.toString(),
                    "versionNumber", version.versionNumber())));
            return modelService.get(modelId);
        });
    }

    /** The job's result, naming its output, or a 409 saying why the job cannot be registered. */
    private static FinetuneResult registrable(JobView job) {
        if (!JobKind.FINETUNE.wireName().equals(job.kind())) {
            throw new ConflictException("job " + job.id() + " is an " + job.kind()
                    + " job; only a finetune job produces a model to register");
        }
        if (!"succeeded".equals(job.state())) {
            throw new ConflictException("job " + job.id() + " is " + job.state()
                    + "; only a succeeded finetune job can be registered");
        }
        FinetuneResult result = job.result() == null ? null : JobSpecs.convert(job.result(), FinetuneResult.class);
        if (result == null || result.outputUri() == null || result.outputUri().isBlank()) {
            throw new ConflictException("job " + job.id() + " succeeded but its result names no outputUri, "
                    + "so there are no files to register");
        }
        return result;
    }

    private static String datasetId(DatasetRef dataset) {
        return dataset == null ? null : dataset.id().toString();
    }

    private static String defaultDescription(ModelSummary base, String task, UUID jobId) {
        return "Fine-tuned for " + task + (base == null ? "" : " from " + base.name()) + " by job " + jobId + ".";
    }
}
