package io.modelcat.jobs.spec;

import io.modelcat.datasets.DatasetFormat;
import java.nio.file.Path;
import java.util.UUID;

/** A dataset a job reads: its id, where its file is under the datasets folder, and its format. */
public record DatasetRef(UUID id, String storagePath, DatasetFormat format) {

    /** The file inside {@code datasetsDir}; a path that would leave it is refused. */
    public Path resolveIn(Path datasetsDir) {
        Path root = datasetsDir.toAbsolutePath().normalize();
        Path file = root.resolve(storagePath).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("dataset " + id + " has a storage path outside the datasets folder");
        }
        return file;
    }
}
