package io.modelcat.hub;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads an {@link ImportPlan} into a directory all-or-nothing: files go to a temp directory beside the final
 * one, which is renamed into place in one step. A failure leaves nothing behind; a complete snapshot that is
 * already there is reused.
 */
public final class ModelSnapshotDownloader {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSnapshotDownloader.class);
    private static final String TEMP_MARKER = ".tmp-";

    private final HubClient client;

    public ModelSnapshotDownloader(HubClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** Where a plan's snapshot lives in a store: {@code store/models--owner--name/<commit sha>}. */
    public static Path snapshotDirectory(Path store, ImportPlan plan) {
        return store.resolve(plan.id().cacheFolderName()).resolve(plan.commitSha());
    }

    /** Downloads {@code plan} into {@link #snapshotDirectory(Path, ImportPlan)} of {@code store}. */
    public ModelSnapshot download(ImportPlan plan, Path store, DownloadProgress progress) {
        return downloadTo(plan, snapshotDirectory(store, plan), progress);
    }

    /**
     * Downloads {@code plan} into {@code finalDir}, or does nothing when a complete snapshot is already there.
     *
     * @throws HubException as {@link HubClient#download}; the final directory is then untouched and no temp files remain
     */
    public ModelSnapshot downloadTo(ImportPlan plan, Path finalDir, DownloadProgress progress) {
        Path target = finalDir.toAbsolutePath().normalize();
        if (isComplete(plan, target)) {
            return new ModelSnapshot(target, plan, List.of(), true);
        }
        Path parent = target.getParent();
        Path temp = parent.resolve("." + target.getFileName() + TEMP_MARKER + UUID.randomUUID());
        boolean moved = false;
        try {
            Files.createDirectories(temp);
            List<DownloadedFile> downloaded = new ArrayList<>();
            for (RepoFile file : plan.files()) {
                downloaded.add(client.download(plan.id(), file, HubPaths.resolveInside(temp, file.rfilename()), progress));
            }
            moved = publish(plan, temp, target);
            return new ModelSnapshot(target, plan, downloaded, !moved);
        } catch (IOException e) {
            throw new HubException(HubException.Kind.STORAGE, "could not create snapshot " + target + ": " + e.getMessage(), e);
        } finally {
            if (!moved) {
                deleteRecursively(temp);
                deleteIfEmpty(parent);
            }
        }
    }

    /** Removes the repository's folder when a failed first download left it empty. */
    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // not empty (other snapshots, or a concurrent download): keep it
        }
    }

    /** Whether {@code dir} holds every file of the plan, with the sizes the Hub reported. */
    public static boolean isComplete(ImportPlan plan, Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        for (RepoFile file : plan.files()) {
            Path p = HubPaths.resolveInside(dir, file.rfilename());
            OptionalLong size = file.knownSize();
            try {
                if (!Files.isRegularFile(p) || size.isPresent() && Files.size(p) != size.getAsLong()) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** Renames {@code temp} to {@code target}; returns false when a concurrent download got there first. */
    private boolean publish(ImportPlan plan, Path temp, Path target) throws IOException {
        if (Files.exists(target) && !isComplete(plan, target)) {
            // An incomplete directory was put there by hand or by an older version: move it aside, then replace it.
            Path stale = target.resolveSibling("." + target.getFileName() + ".stale-" + UUID.randomUUID());
            try {
                Files.move(target, stale, StandardCopyOption.ATOMIC_MOVE);
                deleteRecursively(stale);
            } catch (NoSuchFileException gone) {
                // someone else moved it first
            }
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            throw e;
        } catch (IOException e) {
            // rename(2) refuses to replace a non-empty directory: another download won the race.
            if (isComplete(plan, target)) {
                LOG.debug("snapshot {} was completed concurrently; discarding ours", target);
                return false;
            }
            throw e;
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("could not delete temporary directory {}: {}", root, e.getMessage());
        }
    }
}
