package io.modelcat.catalog.export;

import io.modelcat.catalog.problem.ConflictException;
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

/**
 * A model version's artifact folder on this server and its files: only {@code file:} artifacts; only regular files
 * inside the folder. Symbolic links are never followed out of it: a link is taken only when it resolves to a regular
 * file inside the folder. What exports and the Hub API serve.
 */
public final class ArtifactFolder {

    private ArtifactFolder() {
    }

    /**
     * The folder of {@code artifactUri}.
     *
     * @param what the version, for messages ("version 2 of model x")
     * @throws ConflictException when the version has no files on this server
     */
    public static Path of(String what, String artifactUri) {
        if (artifactUri == null || artifactUri.isBlank()) {
            throw new ConflictException(what + " has no files (it was never imported or fine-tuned); nothing to export");
        }
        Path root;
        try {
            URI uri = URI.create(artifactUri);
            if (!"file".equalsIgnoreCase(uri.getScheme())) {
                throw new ConflictException(what + " has its files at " + artifactUri
                        + "; only file: artifacts can be exported");
            }
            root = Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw new ConflictException(what + " has an artifact URI that is not a file path: " + artifactUri);
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new ConflictException(what + ": its artifact folder " + root + " does not exist on this server");
        }
        return root;
    }

    /** The folder's files, sorted by their {@code /}-separated names. */
    public static List<ModelArchive.Entry> files(Path root) {
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
