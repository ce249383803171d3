package io.modelcat.catalog.transfer;

import io.micronaut.json.JsonMapper;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.export.ArtifactFolder;
import io.modelcat.catalog.export.ModelArchive;
import io.modelcat.catalog.hub.FileDigests;
import io.modelcat.catalog.metrics.MetricsRepository;
import io.modelcat.catalog.metrics.ModelMetric;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelRepository;
import io.modelcat.catalog.model.ModelSummary;
import io.modelcat.catalog.model.ModelVersion;
import io.modelcat.catalog.problem.InvalidFieldException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Exports a selection of models (every version, or some) as one zip for another ModelCat site: a
 * {@link CatalogManifest} first, with every file's size and SHA-256, then the versions' files. Nothing is written on
 * this server; the zip is made as it is read ({@link ModelArchive}).
 */
@Singleton
public class CatalogExportService {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final ModelRepository models;
    private final MetricsRepository metrics;
    private final FileDigests digests;
    private final JsonMapper json;
    private final AuditLog audit;

    public CatalogExportService(ModelRepository models, MetricsRepository metrics, FileDigests digests, JsonMapper json,
                                AuditLog audit) {
        this.models = models;
        this.metrics = metrics;
        this.digests = digests;
        this.json = json;
        this.audit = audit;
    }

    /**
     * The archive of the selected models.
     *
     * @param selection each {@code <model id>} (every version) or {@code <model id>:<version number>}; a model named
     *                  more than once gets the union of what is named
     * @throws InvalidFieldException naming {@code model} for a selection that is malformed or names nothing here
     */
    public ModelArchive prepare(List<String> selection, Caller caller) {
        Map<UUID, Choice> wanted = parse(selection);
        Instant now = Instant.now();
        List<CatalogManifest.Model> exported = new ArrayList<>();
        List<ModelArchive.Entry> files = new ArrayList<>();
        int versionCount = 0;
        for (Map.Entry<UUID, Choice> choice : wanted.entrySet()) {
            UUID modelId = choice.getKey();
            ModelCard card = models.find(modelId).orElseThrow(() ->
                    new InvalidFieldException("model", "no model has id " + modelId));
            List<ModelVersion> all = models.versions(modelId);
            for (Integer number : choice.getValue().numbers()) {
                if (all.stream().noneMatch(v -> v.versionNumber() == number)) {
                    throw new InvalidFieldException("model", "model " + card.summary().name() + " (" + modelId
                            + ") has no version " + number);
                }
            }
            List<ModelMetric> measured = metrics.modelMetrics(modelId);
            List<CatalogManifest.Version> versions = new ArrayList<>();
            for (ModelVersion version : all) {
                if (!choice.getValue().includes(version.versionNumber())) {
                    continue;
                }
                versions.add(version(card, version, measured, files));
            }
            versionCount += versions.size();
            ModelSummary model = card.summary();
            exported.add(new CatalogManifest.Model(model.id(), model.name(), model.publisher(), card.description(),
                    model.task(), model.finetuningTasks(), model.license(), model.tags(), model.library(),
                    model.architecture(), card.samples(), model.source(), versions));
        }
        CatalogManifest manifest = new CatalogManifest(CatalogManifest.FORMAT, CatalogManifest.FORMAT_VERSION, now,
                caller.username(), exported);
        List<ModelArchive.Entry> entries = new ArrayList<>();
        try {
            entries.add(ModelArchive.Entry.of(CatalogManifest.ENTRY, json.writeValueAsBytes(manifest)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        entries.addAll(files);
        audit.record(caller.did("catalog.export", null, null, Map.of("models",
                wanted.keySet().stream().map(UUID::toString).toList(), "versions", versionCount, "files", files.size())));
        return new ModelArchive("modelcat-catalog-" + STAMP.format(now) + ".zip", null, entries);
    }

    /** The version as the manifest describes it; its files are added to {@code files}. */
    private CatalogManifest.Version version(ModelCard card, ModelVersion version, List<ModelMetric> measured,
                                            List<ModelArchive.Entry> files) {
        List<CatalogManifest.File> listed = new ArrayList<>();
        if (version.artifactUri() != null) {
            String what = "version " + version.versionNumber() + " of model " + card.summary().name();
            for (ModelArchive.Entry entry : ArtifactFolder.files(ArtifactFolder.of(what, version.artifactUri()))) {
                if (entry.name().startsWith(".") || entry.name().contains("/.")) {
                    continue; // the engine's bookkeeping, not part of the model
                }
                long size;
                try {
                    size = Files.size(entry.file());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + entry.file() + ": " + e.getMessage(), e);
                }
                listed.add(new CatalogManifest.File(entry.name(), size, digests.of(entry.file(), true, null).sha256()));
                files.add(new ModelArchive.Entry(CatalogManifest.entryName(version.id(), entry.name()), entry.file()));
            }
        }
        List<CatalogManifest.Metric> figures = measured.stream()
                .filter(m -> version.id().equals(m.modelVersionId()))
                .map(m -> new CatalogManifest.Metric(m.name(), m.value(), m.task(), m.datasetName(), m.jobId(),
                        m.recordedAt()))
                .toList();
        return new CatalogManifest.Version(version.id(), version.versionNumber(), version.sourceRevision(),
                version.parentVersionId(), version.lineage() == null ? Map.of() : version.lineage(), version.notes(),
                version.createdAt(), figures, listed);
    }

    /** What is exported of one model: every version, or the numbers named. */
    record Choice(boolean all, Set<Integer> numbers) {

        boolean includes(int versionNumber) {
            return all || numbers.contains(versionNumber);
        }
    }

    /** The selection by model, in the order named. */
    static Map<UUID, Choice> parse(List<String> selection) {
        if (selection == null || selection.isEmpty()) {
            throw new InvalidFieldException("model", "is required: one or more model ids, each as '<id>' for every "
                    + "version or '<id>:<version number>' for one");
        }
        Map<UUID, Choice> wanted = new LinkedHashMap<>();
        for (String item : selection) {
            String text = item == null ? "" : item.strip();
            int colon = text.indexOf(':');
            UUID id;
            try {
                id = UUID.fromString(colon < 0 ? text : text.substring(0, colon));
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException("model", "'" + abbreviate(text) + "' is not a model id (a UUID), "
                        + "optionally followed by ':<version number>'");
            }
            if (colon < 0) {
                wanted.put(id, new Choice(true, Set.of()));
                continue;
            }
            int number;
            try {
                number = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new InvalidFieldException("model", "'" + abbreviate(text) + "': after ':' comes a version "
                        + "number, a whole number");
            }
            if (number < 1) {
                throw new InvalidFieldException("model", "'" + abbreviate(text) + "': version numbers start at 1");
            }
            Choice choice = wanted.computeIfAbsent(id, k -> new Choice(false, new LinkedHashSet<>()));
            if (!choice.all()) {
                choice.numbers().add(number);
            }
        }
        return wanted;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
