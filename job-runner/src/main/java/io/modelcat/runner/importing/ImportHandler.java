package io.modelcat.runner.importing;

import io.micronaut.context.annotation.Value;
import io.modelcat.credentials.SecretUnreadableException;
import io.modelcat.hub.HubClient;
import io.modelcat.hub.HubException;
import io.modelcat.hub.ImportPlan;
import io.modelcat.hub.ImportPlanner;
import io.modelcat.hub.ImportedCard;
import io.modelcat.hub.ModelCardText;
import io.modelcat.hub.ModelId;
import io.modelcat.hub.ModelInfo;
import io.modelcat.hub.ModelSnapshot;
import io.modelcat.hub.ModelSnapshotDownloader;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.ImportResult;
import io.modelcat.jobs.spec.ImportSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.runner.execute.JobCancelledException;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.telemetry.JobMeters;
import io.modelcat.runner.execute.JobHandler;
import io.modelcat.runner.execute.TransientJobException;
import io.modelcat.runner.task.TaskRecipes;
import io.modelcat.store.model.ModelImports;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Imports a Hugging Face model by MODEL_ID: plans the files (refusing pickle-only weights and
 * unsupported tasks), downloads them into the artifact store (resumed, verified, atomic), and
 * registers the card and a version for the Hub revision. Re-importing a revision changes nothing.
 */
@Singleton
public class ImportHandler implements JobHandler<ImportSpec> {

    private static final int README_LIMIT = 1024 * 1024;

    private final HubClients hubs;
    private final ImportedModels models;
    private final Path store;
    private final JobMeters meters;

    public ImportHandler(HubClients hubs, ImportedModels models, JobMeters meters, @Value("${modelcat.home}") String home) {
        this.hubs = hubs;
        this.models = models;
        this.meters = meters;
        this.store = Path.of(home, "models");
    }

    @Override
    public JobKind kind() {
        return JobKind.IMPORT;
    }

    @Override
    public Class<ImportSpec> specType() {
        return ImportSpec.class;
    }

    @Override
    public ImportResult run(ImportSpec spec, JobContext context) {
        String repo = spec.repoId();
        String revision = spec.revision();
        try {
            ModelId id = ModelId.parse(repo, revision);
            HubClients.ForImport forImport = hubs.forImport();
            HubClient hub = forImport.client();
            context.log("INFO", "Importing " + id.repoId() + " at " + id.revisionOrDefault() + " from "
                    + hub.settings().endpoint() + " (token: " + forImport.tokenSource() + ")", Map.of());
            ModelInfo info = hub.modelInfo(id);
            ImportPlan plan = new ImportPlanner(hub, Task.wireNames()).plan(id, info);
            long total = plan.knownTotalBytes();
            context.log("INFO", "Revision " + plan.commitSha() + ": " + plan.files().size() + " files, " + total + " bytes",
                    Map.of("files", plan.filenames(), "bytes", total));
            ModelSnapshot snapshot = new ModelSnapshotDownloader(hub).download(plan, store, progress(context, meters, total));
            context.log("INFO", snapshot.reused() ? "Files were already in the store" : "Downloaded and verified", Map.of());
            context.progress(1.0, Map.of("bytesDone", total, "bytesTotal", total, "phase", "registering"));

            ModelImports.Registered registered = models.register(card(hub, id, info, plan), plan.commitSha(),
                    snapshot.directory().toUri().toString(),
                    Map.of("source", "huggingface", "repoId", id.repoId(), "revision", plan.commitSha()));
            context.log("INFO", registered.created()
                    ? "Registered version " + registered.versionNumber() + " of model " + registered.modelId()
                    : "Revision already registered as version " + registered.versionNumber() + "; nothing changed", Map.of());
            return new ImportResult(registered.modelId(), registered.versionId(), registered.versionNumber(),
                    plan.commitSha(), total, registered.created());
        } catch (HubException e) {
            if (e.isTransient()) {
                throw new TransientJobException(e.getMessage(), e, e.retryAfter().orElse(null));
            }
            models.markFailed(repo, e.getMessage());
            throw e;
        } catch (IllegalArgumentException | SecretUnreadableException e) {
            models.markFailed(repo, e.getMessage());
            throw e;
        }
    }

    /** Aggregates per-file progress into the job's (bytes done of the plan's total, and the rate) and the bytes meter. */
    private static io.modelcat.hub.DownloadProgress progress(JobContext context, JobMeters meters, long total) {
        Map<String, Long> done = new ConcurrentHashMap<>();
        return (filename, bytesDone, totalBytes, bytesPerSecond) -> {
            if (context.cancelled()) {
                throw new JobCancelledException();
            }
            Long before = done.put(filename, bytesDone);
            meters.downloaded(bytesDone - (before == null ? 0 : before));
            long sum = done.values().stream().mapToLong(Long::longValue).sum();
            Map<String, Object> detail = new HashMap<>();
            detail.put("bytesDone", sum);
            detail.put("bytesTotal", total);
            detail.put("bytesPerSecond", Math.round(bytesPerSecond));
            detail.put("file", filename);
            context.progress(total > 0 ? Math.min(0.99, (double) sum / total) : 0, detail);
        };
    }

    private ModelImports.Card card(HubClient hub, ModelId id, ModelInfo info, ImportPlan plan) {
        ImportedCard card = ImportedCard.of(id, info, plan, readme(hub, id, plan));
        return new ModelImports.Card(card.repoId(), card.name(), card.publisher(), card.description(), card.task(),
                TaskRecipes.fineTunableFor(card.modelType()), card.license(), card.tags(), card.library(),
                card.architecture());
    }

    /** The model card's Markdown without its YAML front matter, or empty. */
    private static String readme(HubClient hub, ModelId id, ImportPlan plan) {
        ModelId pinned = ModelId.parse(id.repoId(), plan.commitSha());
        try {
            return ModelCardText.bodyOf(new String(hub.fetchSmallFile(pinned, "README.md", README_LIMIT),
                    StandardCharsets.UTF_8));
        } catch (HubException e) {
            return "";
        }
    }
}
