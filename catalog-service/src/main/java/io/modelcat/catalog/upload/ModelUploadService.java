package io.modelcat.catalog.upload;

import io.micronaut.json.JsonMapper;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.model.ModelService;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.hub.HubException;
import io.modelcat.hub.HubPaths;
import io.modelcat.hub.ImportPlan;
import io.modelcat.hub.ImportedCard;
import io.modelcat.hub.LfsInfo;
import io.modelcat.hub.LocalModelFolder;
import io.modelcat.hub.ModelCardText;
import io.modelcat.hub.ModelId;
import io.modelcat.hub.ModelInfo;
import io.modelcat.hub.RepoFile;
import io.modelcat.jobs.task.FineTunableArchitectures;
import io.modelcat.jobs.task.Task;
import io.modelcat.store.Database;
import io.modelcat.store.model.ModelImports;
import io.modelcat.store.model.ModelVersions;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Adds a model to the catalog from an archive of its folder in the Hub's layout, with an import's checks and card:
 * the body is streamed to disk, unpacked (sizes and SHA-256 computed on the way), described as the Hub would describe
 * it ({@link LocalModelFolder}) and planned by the import's own {@link ImportPlan#decide} (safetensors only,
 * config.json, a tokenizer, a supported task); the planned files move into place in one rename and the card and
 * version are registered as an import registers them ({@link ModelImports}). Anything refused, failed or cancelled
 * leaves nothing behind. The same files uploaded again change nothing; other files under the same name make the
 * next version.
 */
@Singleton
public class ModelUploadService {

    private static final int MAX_README_BYTES = 1024 * 1024;
    private static final int MAX_INDEX_BYTES = 16 * 1024 * 1024;

    private final Database db;
    private final UploadSettings settings;
    private final AuditLog audit;
    private final JsonMapper json;
    private final ModelService models;

    public ModelUploadService(Database db, UploadSettings settings, AuditLog audit, JsonMapper json, ModelService models) {
        this.db = db;
        this.settings = settings;
        this.audit = audit;
        this.json = json;
        this.models = models;
    }

    /**
     * Uploads a model.
     *
     * @param name   the repository id it is known by, {@code owner/name}
     * @param format {@code zip} or {@code tar.gz}, or {@code null} to tell from the archive's first bytes
     * @param body   the archive
     * @throws InvalidFieldException naming {@code name}, {@code format} or {@code file} for anything refused
     */
    public UploadedModel upload(String name, String format, InputStream body, Caller caller) {
        ModelId id = repoId(name);
        ArchiveFormat declared = format == null || format.isBlank() ? null : ArchiveFormat.named(format);
        Path staging = settings.incoming().resolve(UUID.randomUUID().toString());
        try {
            Files.createDirectories(staging);
            Path archive = staging.resolve("archive");
            Files.copy(body, archive);
            return fromArchive(id, declared, archive, staging, caller);
        } catch (IOException e) {
            throw new UncheckedIOException("the upload could not be stored: " + e.getMessage(), e);
        } finally {
            deleteTree(staging);
        }
    }

    /**
     * Unpacks, checks and registers an archive already on disk (a finished upload session's); the caller removes
     * {@code workFolder}, where it is unpacked, afterwards.
     */
    UploadedModel fromArchive(ModelId id, ArchiveFormat declared, Path archive, Path workFolder, Caller caller)
            throws IOException {
        ArchiveFormat actual = declared != null ? declared : ArchiveFormat.sniff(archive);
        ArchiveUnpacker.Unpacked unpacked = new ArchiveUnpacker(settings.maxUnpackedSize(), settings.maxFiles())
                .unpack(actual, archive, workFolder.resolve("files"));
        Files.delete(archive);
        return register(id, unpacked, caller);
    }

    private UploadedModel register(ModelId id, ArchiveUnpacker.Unpacked unpacked, Caller caller) throws IOException {
        Path root = unpacked.root();
        ModelCardText card = readme(root, unpacked.files());
        List<RepoFile> files = unpacked.files().stream()
                .map(f -> new RepoFile(f.name(), f.size(), null, new LfsInfo(f.sha256(), f.size(), 0))).toList();
        String revision = contentRevision(unpacked.files());
        ImportPlan plan;
        ModelInfo info;
        try {
            info = LocalModelFolder.describe(id, revision, root, files, card);
            plan = ImportPlan.decide(id, info, Task.wireNames(), file -> readSmall(root, file));
        } catch (HubException e) {
            throw new InvalidFieldException("file", e.getMessage());
        }
        Set<String> kept = plan.filenames().stream().collect(Collectors.toCollection(java.util.TreeSet::new));
        if (card != null) {
            kept.add(LocalModelFolder.README);
        }
        List<ArchiveUnpacker.UnpackedFile> keptFiles = unpacked.files().stream().filter(f -> kept.contains(f.name())).toList();
        for (ArchiveUnpacker.UnpackedFile f : unpacked.files()) {
            if (!kept.contains(f.name())) {
                Files.delete(root.resolve(f.name()));
            }
        }
        removeEmptyFolders(root);
        // The revision names the files kept: the same model uploaded with other files beside it is the same revision.
        revision = contentRevision(keptFiles);
        Path target = settings.modelsDirectory().resolve(id.cacheFolderName()).resolve(revision);
        boolean moved = moveIntoPlace(root, target);

        ImportedCard filled = ImportedCard.of(id, info, plan, card == null ? "" : card.body());
        List<String> fineTunable = FineTunableArchitectures.tasksFor(filled.modelType());
        ModelImports.Card row = new ModelImports.Card(filled.repoId(), filled.name(), filled.publisher(),
                filled.description(), filled.task(), fineTunable, filled.license(), filled.tags(), filled.library(),
                filled.architecture());
        Map<String, Object> lineage = new LinkedHashMap<>();
        lineage.put("source", "upload");
        lineage.put("repoId", id.repoId());
        lineage.put("revision", revision);
        lineage.put("uploadedBy", caller.username());
        if (card != null && !card.baseModels().isEmpty()) {
            lineage.put("baseModel", card.baseModels());
        }
        if (card != null && !card.datasets().isEmpty()) {
            lineage.put("datasets", card.datasets());
        }
        lineage.put("files", keptFiles.stream().map(f -> Map.of("name", f.name(), "size", f.size(), "sha256", f.sha256())).toList());
        String finalRevision = revision;
        ModelImports.Registered registered;
        try {
            registered = db.write(c -> ModelImports.register(c, ModelImports.UPLOAD, row, new ModelVersions.NewVersion(
                    finalRevision, target.toUri().toString(), null, json.writeValueAsString(lineage),
                    "Uploaded by " + caller.username())));
        } catch (RuntimeException e) {
            if (moved) {
                deleteTree(target);
            }
            throw e;
        }
        models.cardsChanged();
        long total = keptFiles.stream().mapToLong(ArchiveUnpacker.UnpackedFile::size).sum();
        audit.record(caller.did("model.upload", "model", registered.modelId(), Map.of("repoId", id.repoId(),
                "versionNumber", registered.versionNumber(), "revision", revision, "bytes", total,
                "created", registered.created())));
        return new UploadedModel(registered.modelId(), id.repoId(), registered.versionNumber(), registered.created(),
                revision, row.task(), fineTunable, total,
                keptFiles.stream().map(f -> new UploadedModel.File(f.name(), f.size(), f.sha256())).toList());
    }

    /** Removes the folders that dropping files left empty, deepest first. */
    private static void removeEmptyFolders(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path folder : paths.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                if (!folder.equals(root)) {
                    try (Stream<Path> inside = Files.list(folder)) {
                        if (inside.findAny().isEmpty()) {
                            Files.delete(folder);
                        }
                    }
                }
            }
        }
    }

    /** Moves the folder to {@code target} in one rename; false when an upload of the same files already put it there. */
    private static boolean moveIntoPlace(Path folder, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            return false;
        }
        Files.createDirectories(target.getParent());
        try {
            Files.move(folder, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            return false; // a concurrent upload of the same files won; theirs is identical
        }
    }

    static ModelId repoId(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidFieldException("name", "is required: the repository id the model is known by, 'owner/name'");
        }
        ModelId id;
        try {
            id = ModelId.parse(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("name", e.getMessage());
        }
        if (id.owner() == null) {
            throw new InvalidFieldException("name", "must be 'owner/name' (e.g. 'my-team/" + id.name()
                    + "'), as Hub repository ids are");
        }
        return id;
    }

    private static ModelCardText readme(Path root, List<ArchiveUnpacker.UnpackedFile> files) throws IOException {
        var readme = files.stream().filter(f -> f.name().equals(LocalModelFolder.README)).findFirst();
        if (readme.isEmpty()) {
            return null;
        }
        if (readme.get().size() > MAX_README_BYTES) {
            throw new InvalidFieldException("file", LocalModelFolder.README + " is larger than 1 MiB");
        }
        try {
            return ModelCardText.parse(Files.readString(root.resolve(LocalModelFolder.README), StandardCharsets.UTF_8));
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InvalidFieldException("file", LocalModelFolder.README + " is not UTF-8 text");
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("file", LocalModelFolder.README + ": " + e.getMessage());
        }
    }

    private static byte[] readSmall(Path root, String name) {
        try {
            Path file = HubPaths.resolveInside(root, name);
            if (Files.size(file) > MAX_INDEX_BYTES) {
                throw new InvalidFieldException("file", name + " is larger than 16 MiB");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidFieldException("file", name + " cannot be read: " + e.getMessage());
        }
    }

    /** A commit-like id of the files (40 hex): the SHA-1 of their sorted names and SHA-256s. */
    static String contentRevision(List<ArchiveUnpacker.UnpackedFile> files) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            files.stream().sorted(Comparator.comparing(ArchiveUnpacker.UnpackedFile::name)).forEach(f ->
                    sha1.update((f.name() + '\0' + f.sha256() + '\n').getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha1.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Removes a folder and everything in it; nothing when it is not there. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + root + ": " + e.getMessage(), e);
        }
    }
}
