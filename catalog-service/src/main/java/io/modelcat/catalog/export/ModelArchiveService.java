package io.modelcat.catalog.export;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelRepository;
import io.modelcat.catalog.model.ModelVersion;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.NotFoundException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Exports a model version's files (Hugging Face layout: config, tokenizer, safetensors) as a zip. Only
 * {@code file:} artifacts; only regular files inside the artifact folder. Symbolic links are never
 * followed out of it: a link is taken only when it resolves to a regular file inside the folder.
 */
@Singleton
public class ModelArchiveService {

    private final ModelRepository models;
    private final AuditLog audit;

    public ModelArchiveService(ModelRepository models, AuditLog audit) {
        this.models = models;
        this.audit = audit;
    }

    /** The archive of a model version; its download is audited as an export of the model. */
    public ModelArchive prepare(UUID modelId, int versionNumber, Caller caller) {
        ModelCard model = models.find(modelId).orElseThrow(() -> new NotFoundException("no model has id " + modelId));
        ModelVersion version = models.versions(modelId).stream().filter(v -> v.versionNumber() == versionNumber)
                .findFirst().orElseThrow(() -> new NotFoundException("model " + modelId + " has no version " + versionNumber));
        String what = "version " + versionNumber + " of model " + model.name();
        if (version.artifactUri() == null || version.artifactUri().isBlank()) {
            throw new ConflictException(what + " has no files (it was never imported or fine-tuned); nothing to export");
        }
        Path root;
        try {
            URI uri = URI.create(version.artifactUri());
            if (!"file".equalsIgnoreCase(uri.getScheme())) {
                throw new ConflictException(what + " has its files at " + version.artifactUri()
                        + "; only file: artifacts can be exported");
            }
            root = Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw new ConflictException(what + " has an artifact URI that is not a file path: " + version.artifactUri());
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new ConflictException(what + ": its artifact folder " + root + " does not exist on this server");
        }
        List<ModelArchive.Entry> entries = files(root);
        if (entries.isEmpty()) {
            throw new ConflictException(what + ": its artifact folder " + root + " holds no files");
        }
        String fileName = (model.name() + "-v" + versionNumber).replaceAll("[^A-Za-z0-9._-]", "_") + ".zip";
        audit.record(caller.did("model.export", "model", modelId, Map.of("versionNumber", versionNumber)));
        return new ModelArchive(fileName, root, entries);
    }

    private static List<ModelArchive.Entry> files(Path root) {
        List<ModelArchive.Entry> entries = new ArrayList<>();
        try {
            Path realRoot = root.toRealPath();
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Path source = file;
                    if (attrs.isSymbolicLink()) {
                        Path target;
                        try {
                            target = file.toRealPath();
                        } catch (IOException e) {
                            return FileVisitResult.CONTINUE; // a dangling link
                        }
                        if (!target.startsWith(realRoot) || !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                            return FileVisitResult.CONTINUE;
                        }
                        source = target;
                    } else if (!attrs.isRegularFile()) {
                        return FileVisitResult.CONTINUE;
                    }
                    String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                    entries.add(new ModelArchive.Entry(name, source));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the model's files under " + root + ": " + e.getMessage(), e);
        }
        entries.sort(Comparator.comparing(ModelArchive.Entry::name));
        return entries;
    }
}
