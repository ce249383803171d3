package io.modelcat.runner.data;

import io.modelcat.datasets.DatasetFormat;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/** A dataset named in a job's parameters: its id, where its file is under the datasets folder, its format. */
public record DatasetRef(UUID id, String storagePath, DatasetFormat format) {

    /** Reads {@code {"id", "storagePath", "format"}} from job parameters; null when absent. */
    @SuppressWarnings("unchecked")
    public static DatasetRef from(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return null;
        }
        Map<String, Object> m = (Map<String, Object>) map;
        String format = (String) m.get("format");
        return new DatasetRef(UUID.fromString((String) m.get("id")), (String) m.get("storagePath"),
                DatasetFormat.fromWireName(format)
                        .orElseThrow(() -> new IllegalArgumentException("unknown dataset format '" + format + "'")));
    }

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
