package io.modelcat.catalog.hub;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.export.ArtifactFolder;
import io.modelcat.catalog.export.ModelArchive;
import io.modelcat.catalog.model.HubRepoId;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelRepository;
import io.modelcat.catalog.model.ModelVersion;
import io.modelcat.catalog.problem.ConflictException;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The catalog seen as a Hugging Face Hub: which model a repository id names, its versions as revisions with stable
 * commit-like ids, and their files with sizes and digests.
 *
 * <p>Repository ids: a model imported or uploaded is its repository id ({@code acme/tiny-sentiment}; a legacy id
 * without an owner, {@code gpt2}, is {@code modelcat/gpt2}); any other model
 * (a registered fine-tune, a card made by hand) is {@code modelcat/<its name>} (characters a Hub name may not hold
 * become '-') and always {@code modelcat/<its id>}. Revisions: {@code main} is the newest version with files, a
 * version is also {@code v<number>} or its commit id: the Hub commit it was imported at, the content id of an upload,
 * else an id derived from the version's id.
 */
@Singleton
public class HubCatalog {

    /** The namespace of models that have no repository id of their own. */
    public static final String NAMESPACE = HubRepoId.NAMESPACE;

    private static final String README = "README.md";

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern VERSION = Pattern.compile("v?([1-9][0-9]{0,8})");
    private static final long LFS_THRESHOLD = 10L * 1024 * 1024;

    private final ModelRepository models;
    private final FileDigests digests;
    private final AuditLog audit;
    private final FineTuneModelCard modelCards;

    public HubCatalog(ModelRepository models, FileDigests digests, AuditLog audit, FineTuneModelCard modelCards) {
        this.models = models;
        this.digests = digests;
        this.audit = audit;
        this.modelCards = modelCards;
    }

    /** Records a download of a file in the audit log, as exports are recorded ({@code model.download}). */
    public void downloaded(HubRevision revision, HubFile file, Caller caller) {
        audit.record(caller.did("model.download", "model", revision.card().summary().id(), Map.of("repoId",
                revision.repoId(), "versionNumber", revision.version().versionNumber(), "file", file.path())));
    }

    /** The repository id a card is served under. */
    public static String repoIdOf(ModelCard card) {
        return card.summary().hubRepoId();
    }

    /** The model {@code org/name} names. */
    public ModelCard model(String org, String name) {
        String repoId = org + "/" + name;
        List<UUID> ids = models.idsForRepo(repoId, NAMESPACE.equalsIgnoreCase(org) ? HubRepoId.slug(name) : null);
        if (ids.isEmpty() && NAMESPACE.equalsIgnoreCase(org)) {
            ids = models.idsForRepo(name, null);
        }
        if (ids.isEmpty() && NAMESPACE.equalsIgnoreCase(org)) {
            ids = uuid(name).filter(id -> models.find(id).isPresent()).map(List::of).orElse(List.of());
        }
        if (ids.isEmpty()) {
            throw repoNotFound(repoId);
        }
        if (ids.size() > 1) {
            throw new HubNotFoundException(HubNotFoundException.Code.RepoNotFound, "Repository " + repoId
                    + " names " + ids.size() + " models; use " + NAMESPACE + "/<model id> (one of " + ids + ")");
        }
        return models.find(ids.get(0)).orElseThrow(() -> repoNotFound(repoId));
    }

    /** The revision {@code revision} of a model: {@code main}, {@code v<n>}, {@code <n>} or a commit id. */
    public HubRevision revision(ModelCard card, String revision) {
        List<ModelVersion> served = served(card);
        String repoId = repoIdOf(card);
        String rev = revision == null || revision.isBlank() ? "main" : revision;
        Optional<ModelVersion> version;
        if (rev.equals("main")) {
            version = Optional.of(served.get(served.size() - 1));
        } else if (COMMIT.matcher(rev).matches()) {
            version = served.stream().filter(v -> commitOf(v).equals(rev)).findFirst();
        } else {
            var number = VERSION.matcher(rev.toLowerCase(Locale.ROOT));
            version = number.matches() ? served.stream()
                    .filter(v -> v.versionNumber() == Integer.parseInt(number.group(1))).findFirst() : Optional.empty();
        }
        ModelVersion found = version.orElseThrow(() -> new HubNotFoundException(HubNotFoundException.Code.RevisionNotFound,
                "Invalid rev id: " + rev + " (revisions of " + repoId + ": main, v1 to v"
                        + served.get(served.size() - 1).versionNumber() + ", or a version's commit id)"));
        List<HubFile> files = new ArrayList<>(files(card, found));
        PeftAdapter adapter = null;
        Optional<HubFile> adapterConfig = files.stream().filter(f -> f.path().equals(PeftAdapter.CONFIG)).findFirst();
        if (adapterConfig.isPresent()) {
            // A LoRA adapter names its base by the base's folder on this server: served, by its repository here.
            adapter = adapterOf(found);
            files.remove(adapterConfig.get());
            adapter.servedConfig(adapterConfig.get().file())
                    .ifPresent(config -> files.add(HubFile.generated(PeftAdapter.CONFIG, config)));
        }
        if (files.stream().noneMatch(f -> f.path().equals(README))) {
            // A fine-tune's folder has no model card: the Hub API makes one from the catalog, as the Hub shows one.
            modelCards.of(repoId, card, found, adapter).ifPresent(text -> files.add(HubFile.generated(README,
                    text.getBytes(StandardCharsets.UTF_8))));
        }
        files.sort(Comparator.comparing(HubFile::path));
        return new HubRevision(repoId, card, found, commitOf(found), files, adapter);
    }

    /**
     * The Python lines that load the model's {@code main} (its newest version with files), without reading the files:
     * {@code peft}'s when the version's folder has an {@code adapter_config.json}, as {@link #revision} serves it.
     */
    public HubPython python(ModelCard card) {
        List<ModelVersion> served = served(card);
        ModelVersion main = served.get(served.size() - 1);
        boolean adapter;
        try {
            adapter = Files.isRegularFile(Path.of(URI.create(main.artifactUri())).resolve(PeftAdapter.CONFIG));
        } catch (IllegalArgumentException e) {
            adapter = false; // not a file path: the Hub API answers that it has no files
        }
        String repoId = repoIdOf(card);
        return new HubPython(repoId, main.versionNumber(), adapter ? "peft" : "transformers",
                HubPython.loading(card.summary().task(), repoId, adapter));
    }

    /** The versions the Hub API serves (those whose files are here), oldest first; none: RevisionNotFound. */
    private List<ModelVersion> served(ModelCard card) {
        List<ModelVersion> served = models.versions(card.summary().id()).stream()
                .filter(v -> v.artifactUri() != null && v.artifactUri().startsWith("file:"))
                .sorted(Comparator.comparingInt(ModelVersion::versionNumber)).toList();
        if (served.isEmpty()) {
            throw new HubNotFoundException(HubNotFoundException.Code.RevisionNotFound, "Repository " + repoIdOf(card)
                    + " has no version with files yet");
        }
        return served;
    }

    /**
     * The base of an adapter version: the version its lineage names as {@code baseModelVersionId} (a fine-tune's),
     * else its parent, with that version's card's repository id and commit; both {@code null} when neither is here.
     */
    private PeftAdapter adapterOf(ModelVersion adapter) {
        Object named = adapter.lineage() == null ? null : adapter.lineage().get("baseModelVersionId");
        Optional<UUID> baseId = named instanceof String text ? uuid(text) : Optional.empty();
        if (baseId.isEmpty()) {
            baseId = Optional.ofNullable(adapter.parentVersionId());
        }
        return baseId.flatMap(models::findVersion)
                .flatMap(base -> models.find(base.modelId()).map(card -> new PeftAdapter(repoIdOf(card), commitOf(base))))
                .orElse(new PeftAdapter(null, null));
    }

    /** A file of a revision. */
    public HubFile file(HubRevision revision, String path) {
        return revision.file(path).orElseThrow(() -> new HubNotFoundException(HubNotFoundException.Code.EntryNotFound,
                "Entry not found: " + path + " is not in " + revision.repoId() + " at " + revision.commit()));
    }

    /** The files under a folder of a revision, named as in the repository; EntryNotFound when it holds none. */
    public HubRevision folder(HubRevision revision, String folder) {
        String prefix = folder.endsWith("/") ? folder : folder + "/";
        List<HubFile> inside = revision.files().stream().filter(f -> f.path().startsWith(prefix)).toList();
        if (inside.isEmpty()) {
            throw new HubNotFoundException(HubNotFoundException.Code.EntryNotFound, "Entry not found: " + folder
                    + " is not a folder of " + revision.repoId() + " at " + revision.commit());
        }
        return new HubRevision(revision.repoId(), revision.card(), revision.version(), revision.commit(), inside,
                revision.adapter());
    }

    /** The version's commit id: its source revision when that is a commit (imports, uploads), else derived from its id. */
    public static String commitOf(ModelVersion version) {
        String source = version.sourceRevision();
        if (source != null && COMMIT.matcher(source).matches()) {
            return source;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest(("modelcat-version:" + version.id()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<HubFile> files(ModelCard card, ModelVersion version) {
        String what = "version " + version.versionNumber() + " of model " + card.summary().name();
        List<ModelArchive.Entry> entries;
        try {
            entries = ArtifactFolder.files(ArtifactFolder.of(what, version.artifactUri()));
        } catch (ConflictException e) {
            throw new HubNotFoundException(HubNotFoundException.Code.RevisionNotFound, e.getMessage());
        }
        Map<String, String> recorded = recordedSha256(version);
        List<HubFile> files = new ArrayList<>();
        for (ModelArchive.Entry entry : entries) {
            if (entry.name().startsWith(".") || entry.name().contains("/.")) {
                continue; // the engine's bookkeeping, never part of a repository
            }
            long size;
            try {
                size = Files.size(entry.file());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            boolean lfs = entry.name().endsWith(".safetensors") || size >= LFS_THRESHOLD;
            FileDigests.Digests d = digests.of(entry.file(), lfs, recorded.get(entry.name()));
            files.add(new HubFile(entry.name(), entry.file(), null, size, d.sha256(), d.blobId(), lfs, d.pointerSize()));
        }
        return files;
    }

    /** The SHA-256 of each file as recorded when the version arrived (an upload's lineage lists its files). */
    private static Map<String, String> recordedSha256(ModelVersion version) {
        Map<String, String> recorded = new java.util.HashMap<>();
        if (version.lineage() != null && version.lineage().get("files") instanceof List<?> files) {
            for (Object file : files) {
                if (file instanceof Map<?, ?> f && f.get("name") instanceof String name && f.get("sha256") instanceof String sha) {
                    recorded.put(name, sha);
                }
            }
        }
        return recorded;
    }

    private static Optional<UUID> uuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static HubNotFoundException repoNotFound(String repoId) {
        return new HubNotFoundException(HubNotFoundException.Code.RepoNotFound, "Repository Not Found: " + repoId);
    }
}
