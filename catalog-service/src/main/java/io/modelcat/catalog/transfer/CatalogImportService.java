package io.modelcat.catalog.transfer;

import io.micronaut.json.JsonMapper;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.model.ModelService;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.upload.ModelUploadService;
import io.modelcat.catalog.upload.UploadSettings;
import io.modelcat.hub.HubPaths;
import io.modelcat.store.Database;
import io.modelcat.store.model.ModelFields;
import io.modelcat.store.model.ModelTransfers;
import io.modelcat.store.model.ModelVersions;
import io.modelcat.store.model.Models;
import io.modelcat.store.model.VersionRow;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Imports a catalog archive made by {@link CatalogExportService} on another site. The body is streamed to disk, the
 * manifest checked whole before anything changes, and only versions not here yet are unpacked, each file checked
 * against the manifest's size and SHA-256. Cards and versions keep their ids, so lineage naming them holds and a
 * second import of the same archive adds nothing; a card of the same Hub repository or upload already here takes
 * the versions instead of a second card. All cards and versions are added in one transaction; a refused or failed
 * import leaves neither rows nor files.
 */
@Singleton
public class CatalogImportService {

    private static final int MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
    private static final int BUFFER = 1 << 16;

    private final Database db;
    private final UploadSettings settings;
    private final JsonMapper json;
    private final ModelService models;
    private final AuditLog audit;

    public CatalogImportService(Database db, UploadSettings settings, JsonMapper json, ModelService models, AuditLog audit) {
        this.db = db;
        this.settings = settings;
        this.json = json;
        this.models = models;
        this.audit = audit;
    }

    /**
     * A version of the archive to add here: to which card, the folder its files were unpacked to (or null), and, for
     * a LoRA adapter whose base was named by its folder on the exporting site, what was rewritten (or null).
     */
    private record NewVersion(CatalogManifest.Model model, CatalogManifest.Version version, Path folder,
                              Map<String, Object> adapterBase) {
    }

    /**
     * Imports the archive in {@code body}.
     *
     * @throws InvalidFieldException naming {@code file} when the archive is not a catalog archive, its manifest is
     *                               wrong, or a file differs from what the manifest says
     */
    public CatalogImportResult importArchive(InputStream body, Caller caller) {
        String importId = UUID.randomUUID().toString();
        Path staging = settings.incoming().resolve("catalog-" + importId);
        List<Path> placed = new ArrayList<>();
        try {
            Files.createDirectories(staging);
            Path archive = staging.resolve("archive.zip");
            Files.copy(body, archive);
            try (ZipFile zip = open(archive)) {
                CatalogManifest manifest = CatalogManifestCheck.checked(readManifest(zip), zip, settings);
                Map<UUID, UUID> cardOf = db.read(c -> cardsHere(c, manifest));
                Set<UUID> here = db.read(c -> versionsHere(c, manifest, cardOf));
                List<NewVersion> wanted = new ArrayList<>();
                long bytes = 0;
                for (CatalogManifest.Model model : manifest.models()) {
                    for (CatalogManifest.Version version : model.versions()) {
                        if (here.contains(version.id())) {
                            continue;
                        }
                        Path folder = null;
                        Map<String, Object> adapterBase = null;
                        if (!version.files().isEmpty()) {
                            folder = unpack(zip, version, staging.resolve(version.id().toString()));
                            // Checked against the manifest above; an adapter then names its base's folder here.
                            adapterBase = AdapterBase.pointAtBaseHere(folder, "files/" + version.id() + "/",
                                    baseOf(version), id -> folderHere(id, manifest, here, cardOf, importId)).orElse(null);
                            bytes += version.files().stream().mapToLong(CatalogManifest.File::size).sum();
                            // Each import its own folder: one running beside it with the same archive never touches it.
                            Path target = importedFolder(version.id(), importId);
                            Files.createDirectories(target.getParent());
                            Files.move(folder, target, StandardCopyOption.ATOMIC_MOVE);
                            placed.add(target);
                            folder = target;
                        }
                        wanted.add(new NewVersion(model, version, folder, adapterBase));
                    }
                }
                long written = bytes;
                CatalogImportResult result = db.write(c -> register(c, manifest, wanted, written, caller));
                // Versions a concurrent import of the same archive added first: theirs are the same files.
                Set<UUID> added = new HashSet<>();
                result.models().forEach(m -> m.versions().stream().filter(CatalogImportResult.Version::created)
                        .forEach(v -> added.add(v.id())));
                for (NewVersion version : wanted) {
                    if (version.folder() != null && !added.contains(version.version().id())) {
                        ModelUploadService.deleteTree(version.folder());
                    }
                }
                placed.clear();
                models.cardsChanged();
                return result;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the catalog archive could not be stored: " + e.getMessage(), e);
        } finally {
            placed.forEach(ModelUploadService::deleteTree);
            ModelUploadService.deleteTree(staging);
        }
    }

    /** The base version of a fine-tune: the one its lineage names as {@code baseModelVersionId}, else its parent. */
    private static UUID baseOf(CatalogManifest.Version version) {
        if (version.lineage() != null && version.lineage().get("baseModelVersionId") instanceof String id) {
            try {
                return UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                // not an id: the parent link says it, if anything does
            }
        }
        return version.parentVersionId();
    }

    /**
     * The folder a version has on this site once this import is done: the one it is imported to when it comes with
     * this archive, else that of the version here (the same id, or the same source revision of the same card).
     */
    private Optional<Path> folderHere(UUID versionId, CatalogManifest manifest, Set<UUID> here, Map<UUID, UUID> cardOf,
                                      String importId) {
        for (CatalogManifest.Model model : manifest.models()) {
            for (CatalogManifest.Version version : model.versions()) {
                if (version.id().equals(versionId) && !here.contains(versionId)) {
                    return version.files().isEmpty() ? Optional.empty()
                            : Optional.of(importedFolder(versionId, importId));
                }
                if (version.id().equals(versionId) && cardOf.containsKey(model.id())) {
                    Optional<VersionRow> same = db.read(c -> ModelVersions.find(c, versionId)
                            .or(() -> sameRevision(c, cardOf.get(model.id()), version.sourceRevision())));
                    return same.flatMap(CatalogImportService::folderOf);
                }
            }
        }
        return db.read(c -> ModelVersions.find(c, versionId)).flatMap(CatalogImportService::folderOf);
    }

    /** Where import {@code importId} puts a version's files. */
    private Path importedFolder(UUID versionId, String importId) {
        return settings.importedDirectory().resolve(versionId + "-" + importId.substring(0, 8));
    }

    private static Optional<VersionRow> sameRevision(Connection c, UUID card, String revision) {
        try {
            return ModelTransfers.versionOfRevision(c, card, revision);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Path> folderOf(VersionRow version) {
        if (version.artifactUri() == null || !version.artifactUri().startsWith("file:")) {
            return Optional.empty();
        }
        Path folder = Path.of(java.net.URI.create(version.artifactUri()));
        return Files.isDirectory(folder) ? Optional.of(folder) : Optional.empty();
    }

    private static ZipFile open(Path archive) {
        try {
            return ZipFile.builder().setPath(archive).get();
        } catch (IOException e) {
            throw new InvalidFieldException("file", "the body is not a zip archive (" + e.getMessage()
                    + "); send a catalog archive as GET /api/v1/catalog/export makes it");
        }
    }

    private CatalogManifest readManifest(ZipFile zip) throws IOException {
        ZipArchiveEntry entry = zip.getEntry(CatalogManifest.ENTRY);
        if (entry == null) {
            throw new InvalidFieldException("file", "the archive holds no " + CatalogManifest.ENTRY
                    + ": it is not a catalog archive (a single model's folder is uploaded with POST /api/v1/model-uploads)");
        }
        byte[] text;
        try (InputStream in = zip.getInputStream(entry)) {
            text = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        } catch (ZipException e) {
            throw new InvalidFieldException("file", CatalogManifest.ENTRY + " cannot be read: " + e.getMessage());
        }
        if (text.length > MAX_MANIFEST_BYTES) {
            throw new InvalidFieldException("file", CatalogManifest.ENTRY + " is larger than 64 MiB");
        }
        try {
            return json.readValue(text, CatalogManifest.class);
        } catch (IOException | RuntimeException e) {
            throw new InvalidFieldException("file", CatalogManifest.ENTRY + " is not a catalog manifest: " + e.getMessage());
        }
    }

    /** Unpacks a version's files into {@code into}, each checked against the manifest's size and SHA-256. */
    private static Path unpack(ZipFile zip, CatalogManifest.Version version, Path into) throws IOException {
        for (CatalogManifest.File file : version.files()) {
            String name = CatalogManifest.entryName(version.id(), file.name());
            Path target = HubPaths.resolveInside(into, file.name());
            Files.createDirectories(target.getParent());
            MessageDigest sha256 = CatalogManifestCheck.sha256();
            long size = 0;
            byte[] buffer = new byte[BUFFER];
            try (InputStream in = zip.getInputStream(zip.getEntry(name));
                 OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    size += n;
                    if (size > file.size()) {
                        throw new InvalidFieldException("file", name + " is larger than the " + file.size()
                                + " bytes the manifest says: the archive is damaged or was changed");
                    }
                    sha256.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            } catch (ZipException e) {
                throw new InvalidFieldException("file", name + " cannot be read: " + e.getMessage());
            }
            String actual = HexFormat.of().formatHex(sha256.digest());
            if (size != file.size() || !actual.equals(file.sha256())) {
                throw new InvalidFieldException("file", name + " has " + size + " bytes with SHA-256 " + actual
                        + ", the manifest says " + file.size() + " bytes with " + file.sha256()
                        + ": the archive is damaged or was changed");
            }
        }
        return into;
    }

    /** The card here that each model of the archive goes to: its own id, or a card of the same source repository. */
    private static Map<UUID, UUID> cardsHere(Connection c, CatalogManifest manifest) throws SQLException {
        Map<UUID, UUID> cards = new HashMap<>();
        for (CatalogManifest.Model model : manifest.models()) {
            Optional<UUID> same = Models.find(c, model.id()).map(row -> row.id());
            if (same.isEmpty() && ("huggingface".equals(model.source().type()) || "upload".equals(model.source().type()))) {
                same = ModelTransfers.modelOfSource(c, model.source().type(), model.source().repo());
            }
            same.ifPresent(id -> cards.put(model.id(), id));
        }
        return cards;
    }

    /** The versions of the archive already here: by id, or as the same source revision of the same card. */
    private static Set<UUID> versionsHere(Connection c, CatalogManifest manifest, Map<UUID, UUID> cardOf)
            throws SQLException {
        Set<UUID> here = new HashSet<>();
        for (CatalogManifest.Model model : manifest.models()) {
            for (CatalogManifest.Version version : model.versions()) {
                if (existing(c, version, cardOf.get(model.id())).isPresent()) {
                    here.add(version.id());
                }
            }
        }
        return here;
    }

    /** The number here of the version when it is here already. */
    private static Optional<Integer> existing(Connection c, CatalogManifest.Version version, UUID card)
            throws SQLException {
        Optional<Integer> byId = ModelTransfers.numberOf(c, version.id());
        if (byId.isPresent() || card == null) {
            return byId;
        }
        return ModelTransfers.versionOfRevision(c, card, version.sourceRevision()).map(VersionRow::versionNumber);
    }

    /** Adds the cards and versions not here yet, parents before their children, under the imports' lock. */
    private CatalogImportResult register(Connection c, CatalogManifest manifest, List<NewVersion> wanted, long bytes,
                                         Caller caller) throws SQLException, IOException {
        ModelTransfers.lockImports(c);
        Map<UUID, UUID> cardOf = cardsHere(c, manifest);
        Set<UUID> madeHere = new HashSet<>();
        for (CatalogManifest.Model model : manifest.models()) {
            if (!cardOf.containsKey(model.id())) {
                Models.insert(c, model.id(), fields(model));
                cardOf.put(model.id(), model.id());
                madeHere.add(model.id());
                audit.record(caller.did("model.import.catalog", "model", model.id(), Map.of("name", model.name(),
                        "exportedBy", manifest.exportedBy(), "exportedAt", manifest.exportedAt().toString())));
            }
        }
        Map<UUID, CatalogImportResult.Version> outcome = new HashMap<>();
        Map<UUID, NewVersion> pending = new LinkedHashMap<>();
        wanted.forEach(v -> pending.put(v.version().id(), v));
        for (CatalogManifest.Model model : manifest.models()) {
            for (CatalogManifest.Version version : model.versions()) {
                if (!pending.containsKey(version.id())) {
                    int number = existing(c, version, cardOf.get(model.id())).orElseThrow();
                    outcome.put(version.id(), new CatalogImportResult.Version(version.id(), number,
                            version.versionNumber(), false));
                }
            }
        }
        while (!pending.isEmpty()) {
            // A version whose parent is still to be added waits for it; lineage has no cycles, but a damaged
            // manifest could: then the rest go without their parent link.
            NewVersion next = pending.values().stream()
                    .filter(v -> v.version().parentVersionId() == null || !pending.containsKey(v.version().parentVersionId()))
                    .findFirst().orElse(pending.values().iterator().next());
            pending.remove(next.version().id());
            UUID card = cardOf.get(next.model().id());
            Optional<Integer> raced = existing(c, next.version(), card);
            if (raced.isPresent()) {
                outcome.put(next.version().id(), new CatalogImportResult.Version(next.version().id(), raced.get(),
                        next.version().versionNumber(), false));
                continue;
            }
            CatalogManifest.Version v = next.version();
            UUID parent = v.parentVersionId() != null && ModelTransfers.numberOf(c, v.parentVersionId()).isPresent()
                    ? v.parentVersionId() : null;
            Map<String, Object> lineage = new LinkedHashMap<>(v.lineage());
            lineage.put("importedFrom", importedFrom(manifest, v, caller));
            if (!v.metrics().isEmpty()) {
                lineage.put("sourceSiteMetrics", sourceSiteMetrics(v.metrics()));
            }
            if (next.adapterBase() != null) {
                lineage.put("adapterBase", next.adapterBase());
            }
            int number = ModelTransfers.insertVersion(c, v.id(), card, v.versionNumber(), new ModelVersions.NewVersion(
                    v.sourceRevision(), next.folder() == null ? null : next.folder().toUri().toString(), parent,
                    json.writeValueAsString(lineage), v.notes() == null ? "" : v.notes()), v.createdAt());
            outcome.put(v.id(), new CatalogImportResult.Version(v.id(), number, v.versionNumber(), true));
            audit.record(caller.did("model.version.import.catalog", "model", card, Map.of("versionNumber", number,
                    "versionId", v.id().toString())));
        }
        List<CatalogImportResult.Model> reported = new ArrayList<>();
        int created = 0;
        int unchanged = 0;
        for (CatalogManifest.Model model : manifest.models()) {
            List<CatalogImportResult.Version> versions = model.versions().stream().map(v -> outcome.get(v.id())).toList();
            created += (int) versions.stream().filter(CatalogImportResult.Version::created).count();
            unchanged += (int) versions.stream().filter(v -> !v.created()).count();
            reported.add(new CatalogImportResult.Model(cardOf.get(model.id()), model.name(),
                    madeHere.contains(model.id()), versions));
        }
        return new CatalogImportResult(madeHere.size(), created, unchanged, bytes, reported);
    }

    private static Map<String, Object> importedFrom(CatalogManifest manifest, CatalogManifest.Version version,
                                                    Caller caller) {
        Map<String, Object> from = new LinkedHashMap<>();
        from.put("exportedBy", manifest.exportedBy());
        from.put("exportedAt", manifest.exportedAt().toString());
        from.put("versionNumber", version.versionNumber());
        from.put("importedBy", caller.username());
        from.put("importedAt", Instant.now().toString());
        return from;
    }

    /** The figures measured where the version came from, by name, task and dataset (the datasets stay there). */
    private static Map<String, Object> sourceSiteMetrics(List<CatalogManifest.Metric> metrics) {
        Map<String, Object> figures = new LinkedHashMap<>();
        for (CatalogManifest.Metric m : metrics) {
            figures.put(m.name() + " (" + m.task() + (m.dataset() == null ? "" : ", " + m.dataset()) + ")", m.value());
        }
        return figures;
    }

    private ModelFields fields(CatalogManifest.Model m) throws IOException {
        return new ModelFields(m.name().strip(), m.publisher(), m.description() == null ? "" : m.description(), m.task(),
                m.finetuningTasks(), m.license(), m.tags(), m.library(), m.architecture(), json.writeValueAsString(m.samples()),
                m.source().type(), m.source().repo(), m.source().revision());
    }
}
