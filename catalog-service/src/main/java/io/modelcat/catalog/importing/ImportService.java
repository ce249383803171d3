package io.modelcat.catalog.importing;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.job.JobService;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.model.ModelRepository;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.hub.ModelId;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.spec.ImportSpec;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;

/** Turns an import request into an {@code import} job that a runner executes; the web request does not wait. */
@Singleton
public class ImportService {

    private static final int IMPORT_ATTEMPTS = 3;

    private final JobService jobs;
    private final ModelRepository models;

    public ImportService(JobService jobs, ModelRepository models) {
        this.jobs = jobs;
        this.models = models;
    }

    public JobView submit(ImportRequest request, Caller caller) {
        ModelId id;
        try {
            id = ModelId.parse(request.modelId().strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("modelId", e.getMessage());
        }
        String revision = request.revision() == null || request.revision().isBlank() ? ModelId.DEFAULT_REVISION
                : request.revision().strip();
        try {
            id = ModelId.parse(id.repoId(), revision);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("revision", e.getMessage());
        }
        UUID existing = models.markImporting(id.repoId()).orElse(null);
        return jobs.submit(caller, new ImportSpec(id.repoId(), id.revisionOrDefault()), existing, null, List.of(),
                DeviceRequest.cpu(), request.priority() == null ? 0 : request.priority(), IMPORT_ATTEMPTS, null);
    }
}
